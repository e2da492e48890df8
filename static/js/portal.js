import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js';

initAll();

// A table wider than the screen scrolls inside its wrapper, never the page. A wrapper that
// scrolls becomes a named region that takes focus, so it can be scrolled from the keyboard too.
function tableScrollRegions() {
  document.querySelectorAll('.portal-table-scroll').forEach((wrapper) => {
    // A wrapper the page made a region itself keeps what it was given.
    if (wrapper.hasAttribute('role') && !wrapper.dataset.scrollRegion) {
      return;
    }
    wrapper.dataset.scrollRegion = 'managed';
    if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
      const caption = wrapper.querySelector('caption');
      wrapper.setAttribute('role', 'region');
      wrapper.setAttribute('tabindex', '0');
      wrapper.setAttribute('aria-label', `${caption ? caption.textContent.trim() : 'Table'} (scrolls sideways)`);
    } else {
      ['role', 'tabindex', 'aria-label'].forEach((name) => wrapper.removeAttribute(name));
    }
  });
}
tableScrollRegions();
window.addEventListener('resize', tableScrollRegions);

// What a page opens to show (the editor's preview) takes focus, so it is read first.
const focusOnLoad = document.querySelector('[data-focus-on-load]');
if (focusOnLoad && !document.querySelector('.govuk-error-summary')) {
  focusOnLoad.focus();
}
