// The request form's only script: the communes of a postcode as suggestions
// for the commune field, and photos made smaller on the phone before they are
// sent (1,600 px, JPEG: less to upload, and the GPS position never leaves the
// device). The form works without it; the server checks and re-encodes all.
(function () {
  var cp = document.getElementById('postcode');
  var city = document.getElementById('city');
  var list = document.getElementById('communes');
  var errors = document.getElementById('errors');
  if (errors) errors.focus();
  var form = document.querySelector('form[data-testid="request-form"]');
  var photos = document.getElementById('photos');
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: 'from-image' }).then(function (bmp) {
      var k = Math.min(1, 1600 / Math.max(bmp.width, bmp.height));
      var c = document.createElement('canvas');
      c.width = Math.round(bmp.width * k);
      c.height = Math.round(bmp.height * k);
      var g = c.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, c.width, c.height);
      g.drawImage(bmp, 0, 0, c.width, c.height);
      return new Promise(function (done) {
        c.toBlob(function (b) {
          done(b ? new File([b], file.name.replace(/\.[^.]*$/, '') + '.jpg', { type: 'image/jpeg' }) : file);
        }, 'image/jpeg', 0.85);
      });
    }).catch(function () { return file; });
  }
  if (form && photos && window.createImageBitmap && window.DataTransfer) {
    var sending = false;
    form.addEventListener('submit', function (e) {
      var files = Array.prototype.slice.call(photos.files || []);
      if (sending || !files.length || files.length > 5) return;
      e.preventDefault();
      sending = true;
      Promise.all(files.map(shrink)).then(function (out) {
        var dt = new DataTransfer();
        out.forEach(function (f) { dt.items.add(f); });
        photos.files = dt.files;
      }).catch(function () {}).then(function () { form.submit(); });
    });
  }
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
