// Before the first paint: the colour scheme the reader chose, else the system's, on <html data-theme>, so a dark page
// never shows light while the modules load. theme.js (same storage key) takes over from there. A classic script, so
// that it runs before the page is drawn.
(function () {
  var choice = null;
  try {
    choice = localStorage.getItem('agentchat.theme');
  } catch (e) {
    // storage blocked: the system's scheme
  }
  var dark = choice === 'dark' || (choice !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}());
