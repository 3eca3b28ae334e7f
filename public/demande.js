// The request form's only script: the communes of a postcode as suggestions
// for the commune field (the form works without it; the server checks all).
(function () {
  var cp = document.getElementById('postcode');
  var city = document.getElementById('city');
  var list = document.getElementById('communes');
  var errors = document.getElementById('errors');
  if (errors) errors.focus();
  if (!cp || !city || !list) return;
  var last = '';
  function load() {
    var value = cp.value.trim();
    if (!/^[0-9]{5}$/.test(value) || value === last) return;
    last = value;
    fetch('/demande/communes?cp=' + value, { headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (names) {
        list.textContent = '';
        names.forEach(function (n) {
          var o = document.createElement('option');
          o.value = n;
          list.appendChild(o);
        });
        if (names.length === 1 && !city.value) city.value = names[0];
      })
      .catch(function () {});
  }
  cp.addEventListener('input', load);
  load();
})();
