// "Add another quote / table" without a round trip. Without scripts the same buttons post the
// form back and the page returns with everything typed and one more empty item.
(function () {
  document.querySelectorAll('[data-formset-add]').forEach(function (button) {
    var prefix = button.getAttribute('data-formset-add');
    var total = document.getElementById('id_' + prefix + '-TOTAL_FORMS');
    var max = document.getElementById('id_' + prefix + '-MAX_NUM_FORMS');
    var list = document.querySelector('[data-formset="' + prefix + '"]');
    var template = document.querySelector('template[data-formset-template="' + prefix + '"]');
    if (!total || !list || !template) return;
    button.addEventListener('click', function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
      var holder = document.createElement('div');
      holder.innerHTML = html;
      var added = holder.firstElementChild;
      list.appendChild(added);
      total.value = String(index + 1);
      var legend = added.querySelector('legend');
      if (legend) { legend.setAttribute('tabindex', '-1'); legend.focus(); }
    });
  });
})();
