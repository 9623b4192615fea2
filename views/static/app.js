// logscope dashboard: the little behaviour plain HTML lacks. No inline scripts (the CSP forbids them).
// Close the custom-range popover when clicking elsewhere.
document.addEventListener('click', (event) => {
  for (const details of document.querySelectorAll('details.popover[open]')) {
    if (!details.contains(event.target)) details.removeAttribute('open');
  }
});
