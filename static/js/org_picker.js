/* The organization picker (apps/organizations/picker.py, widgets/organization_picker.html).
 *
 * htmx fetches the matches into the listbox as the user types; this file only
 * - sends the typed text as ?q= (the box's own name is "<field>__text"),
 * - forgets the picked code as soon as the text is edited,
 * - puts a picked option's code into the hidden input and its name into the box,
 * - lets the keyboard move through the options (arrows, Escape) and closes the list
 *   on a click elsewhere.
 * Event delegation on the document: works for every picker, also ones htmx adds later.
 */
(function () {
  "use strict";

  function pickerOf(element) {
    return element && element.closest ? element.closest("[data-org-picker]") : null;
  }

  function parts(picker) {
    return {
      value: picker.querySelector("[data-org-picker-value]"),
      input: picker.querySelector("[data-org-picker-input]"),
      chosen: picker.querySelector("[data-org-picker-chosen]"),
      listbox: picker.querySelector("[role=listbox]"),
    };
  }

  function options(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll("[data-org-code]"));
  }

  function close(picker) {
    var p = parts(picker);
    p.listbox.innerHTML = "";
    p.input.setAttribute("aria-expanded", "false");
  }

  function choose(option) {
    var picker = pickerOf(option);
    var p = parts(picker);
    p.value.value = option.getAttribute("data-org-code");
    p.input.value = option.getAttribute("data-org-name");
    p.chosen.textContent = option.getAttribute("data-org-detail");
    close(picker);
    p.input.focus();
    p.value.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var input = event.detail.elt;
    if (!input.hasAttribute || !input.hasAttribute("data-org-picker-input")) return;
    var trigger = event.detail.triggeringEvent;
    if (trigger && trigger.type === "focus" && parts(pickerOf(input)).value.value) {
      event.preventDefault(); // back in a box that holds a pick: no list until the text changes
      return;
    }
    delete event.detail.parameters[input.name];
    event.detail.parameters.q = input.value;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var picker = pickerOf(event.detail.target);
    if (!picker || event.detail.target.getAttribute("role") !== "listbox") return;
    parts(picker).input.setAttribute("aria-expanded", event.detail.target.children.length ? "true" : "false");
  });

  document.addEventListener("input", function (event) {
    if (!event.target.hasAttribute("data-org-picker-input")) return;
    var p = parts(pickerOf(event.target));
    p.value.value = "";
    p.chosen.textContent = "";
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest ? event.target.closest("[data-org-code]") : null;
    if (option && pickerOf(option)) {
      event.preventDefault();
      choose(option);
      return;
    }
    var inside = pickerOf(event.target);
    document.querySelectorAll("[data-org-picker]").forEach(function (picker) {
      if (picker !== inside) close(picker);
    });
  });

  document.addEventListener("keydown", function (event) {
    var picker = pickerOf(event.target);
    if (!picker) return;
    var list = options(picker);
    var at = list.indexOf(event.target);
    if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      list[Math.min(at + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) parts(picker).input.focus();
      else list[at - 1].focus();
    } else if (event.key === "Escape") {
      close(picker);
      parts(picker).input.focus();
    }
  });
})();
