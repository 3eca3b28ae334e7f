// The charts bundle (public/vendor/charts.js, built by setup with esbuild):
// ECharts from npm with only the charts the dashboards use. The dashboard
// shows the server's SVG drawings first and loads this bundle when someone
// points at or touches a chart: the page queues [id, optionJson]
// pairs in window.__comptoirCharts and calls window.comptoirChartsDrain once
// it exists; the interactive chart replaces the drawing.
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, FunnelChart, HeatmapChart, LineChart, PieChart, GridComponent, TooltipComponent,
  VisualMapComponent, CanvasRenderer]);

function draw(el, option) {
  let chart = echarts.getInstanceByDom(el);
  if (!chart) {
    el.replaceChildren();
    chart = echarts.init(el, null, { renderer: 'canvas' });
  }
  chart.setOption(option, true);
  if (!el.__comptoirResize) {
    el.__comptoirResize = new ResizeObserver(() => chart.resize());
    el.__comptoirResize.observe(el);
  }
  el.dataset.rendered = 'true';
}

window.comptoirChartsDrain = () => {
  const queue = window.__comptoirCharts || [];
  while (queue.length) {
    const [id, json] = queue.shift();
    const el = document.getElementById(id);
    if (el) draw(el, JSON.parse(json));
  }
};
window.comptoirChartsDrain();
