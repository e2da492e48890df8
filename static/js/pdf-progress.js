// Polls the PDF's progress while it is being made, and reloads the page when it is ready.
document.querySelectorAll('[data-progress-url]').forEach(function (box) {
  var text = box.querySelector('.portal-progress__text');
  var bar = box.querySelector('progress');
  function poll() {
    fetch(box.getAttribute('data-progress-url'), {credentials: 'same-origin'})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        text.textContent = data.label + (data.step ? ': ' + data.step : '') + ' (' + data.progress + '%)';
        if (data.state === 'ready') { window.location.reload(); }
        else if (data.state !== 'failed') { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
});
