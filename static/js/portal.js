// Behaviour of the portal's own pages. The Content-Security-Policy allows scripts from our
// static files only (no inline <script>, no onclick=, no hx-on), so every page hook lives here.
(function () {
  "use strict";

  // A <select data-submit-on-change> sends its form when the choice changes (the language
  // switcher); its <noscript> button does the same without JavaScript.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-submit-on-change]") && field.form) {
      field.form.submit();
    }
  });

  // Widths that come from data (a progress bar) are set through the CSSOM: an inline
  // style="" attribute would be refused by style-src 'self'. htmx.onLoad runs for the page
  // and again for every fragment htmx swaps in (the progress bar is polled).
  htmx.onLoad(function (root) {
    var bars = root.querySelectorAll ? root.querySelectorAll("[data-width-percent]") : [];
    if (root.matches && root.matches("[data-width-percent]")) {
      bars = [root].concat(Array.prototype.slice.call(bars));
    }
    Array.prototype.forEach.call(bars, function (bar) {
      var percent = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-width-percent")) || 0));
      bar.style.width = percent + "%";
    });
  });
})();
