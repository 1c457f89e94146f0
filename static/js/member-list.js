// The member list: a full ID number typed into the filter's search box goes by POST (the
// "find" form), never into the address bar, the history or a server log.
(function () {
  "use strict";
  var filter = document.getElementById("member-filter");
  var find = document.getElementById("member-find");
  if (!filter || !find) {
    return;
  }
  filter.addEventListener("submit", function (event) {
    var box = filter.querySelector("[name=q]");
    var text = ((box && box.value) || "").replace(/\s/g, "").toUpperCase();
    if (/^(\d{17}[\dX]|\d{15})$/.test(text)) {
      event.preventDefault();
      find.querySelector("[name=id_number]").value = text;
      box.value = "";
      find.submit();
    }
  });
})();
