/* Weerbaar UI helpers: drag and drop for file fields, upload progress, focus on error messages.
   Loaded as a file (the Content-Security-Policy allows no inline script). Everything works without it. */
(function () {
  "use strict";

  function formatSize(bytes) {
    var units = ["B", "kB", "MB", "GB"];
    var size = bytes;
    var unit = 0;
    while (size >= 1000 && unit < units.length - 1) {
      size = size / 1000;
      unit += 1;
    }
    return (unit === 0 ? size : size.toFixed(1)) + " " + units[unit];
  }

  function showFiles(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector("[data-file-list]");
    if (!input || !list) return;
    var limit = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + formatSize(file.size) + ")";
      if (limit && file.size > limit) {
        item.textContent += " — " + (document.documentElement.lang === "nl" ? "te groot" :
          document.documentElement.lang === "da" ? "for stor" : "too large");
        item.className = "weerbaar-file-list__error";
      }
      list.appendChild(item);
    });
  }

  function setUpDropzone(zone) {
    if (zone.getAttribute("data-ready")) return;
    zone.setAttribute("data-ready", "true");
    var input = zone.querySelector("input[type=file]");
    if (!input) return;
    input.addEventListener("change", function () { showFiles(zone); });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("weerbaar-dropzone--active");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("weerbaar-dropzone--active"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      var merged = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { merged.items.add(f); });
      Array.prototype.forEach.call(event.dataTransfer.files, function (f) { merged.items.add(f); });
      input.files = merged.files;
      showFiles(zone);
    });
  }

  function progressFor(form) {
    var id = form && form.getAttribute && form.getAttribute("data-upload-progress");
    return id ? document.getElementById(id) : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var box = progressFor(event.target);
    if (!box) return;
    var bar = box.querySelector("progress");
    bar.value = 0;
    bar.textContent = "0%";
    box.hidden = false;
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var box = progressFor(event.target);
    if (!box || !event.detail.lengthComputable) return;
    var bar = box.querySelector("progress");
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.value = percent;
    bar.textContent = percent + "%";
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var box = progressFor(event.target);
    if (box) box.hidden = true;
  });

  /* A double click sends a form once: its submit buttons wait until the answer is in. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    if (!form || form.tagName !== "FORM") return;
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], button:not([type])"), function (b) {
      b.disabled = true;
      b.setAttribute("data-busy", "true");
    });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!form || form.tagName !== "FORM") return;
    Array.prototype.forEach.call(form.querySelectorAll("button[data-busy]"), function (b) {
      b.disabled = false;
      b.removeAttribute("data-busy");
    });
  });

  /* Error summaries: each link to a field gets the field's label in front of its message, and the
     summary is scrolled into view and focused, so a refused form never looks as if nothing happened. */
  function labelFor(slot) {
    var field = slot && slot.closest(".utrecht-form-field, .utrecht-form-fieldset");
    if (!field) return "";
    var label = field.querySelector("legend, label");
    if (!label) return "";
    var clone = label.cloneNode(true);
    Array.prototype.forEach.call(clone.querySelectorAll(".weerbaar-optional"), function (n) { n.remove(); });
    return clone.textContent.trim();
  }

  function showSummary(box) {
    if (!box || !box.textContent.trim()) return;
    Array.prototype.forEach.call(box.querySelectorAll("a[data-error-link]"), function (link) {
      if (link.getAttribute("data-labelled")) return;
      var slot = document.getElementById(link.getAttribute("href").slice(1));
      var label = labelFor(slot);
      if (label) link.textContent = label + ": " + link.textContent;
      link.setAttribute("data-labelled", "true");
      link.addEventListener("click", function (event) {
        var field = slot.closest(".utrecht-form-field, .utrecht-form-fieldset");
        var input = field && field.querySelector("input:not([type=hidden]), select, textarea");
        var closed = slot.closest("details:not([open])");
        if (closed) closed.open = true;
        if (input) { event.preventDefault(); input.focus(); }
      });
    });
    var closed = box.closest("details:not([open])");
    if (closed) closed.open = true;
    box.scrollIntoView({ block: "center" });
    box.focus({ preventScroll: true });
  }

  /* htmx fires this on the new element; detail.target is the replaced (detached) one. */
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var box = event.target;
    if (box && box.id && /form-messages$|^messages$/.test(box.id)) showSummary(box);
  });

  /* The server could not be reached: say so where messages appear; the form keeps its input. */
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("messages");
    if (!box) return;
    var alert = document.createElement("div");
    alert.className = "utrecht-alert utrecht-alert--error";
    alert.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.className = "utrecht-paragraph";
    text.textContent = document.body.getAttribute("data-send-error") || "";
    alert.appendChild(text);
    box.textContent = "";
    box.appendChild(alert);
    box.focus();
  });

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-dropzone]"), setUpDropzone);
  }
  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    var box = document.querySelector(".weerbaar-form-messages [role=alert]");
    if (box) showSummary(box.parentNode);
  });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();

/* Actions: the "Add an action" form shows only the fieldsets of the chosen kind. Without this script
   every kind's fieldset is shown, each saying which kind it belongs to; the server uses only the
   chosen kind's fields. */
(function () {
  "use strict";

  function showKindFields(form) {
    var select = form.querySelector("select[name=kind]");
    if (!select) return;
    var kind = select.value;
    form.classList.add("weerbaar-action-form--js");
    Array.prototype.forEach.call(form.querySelectorAll("[data-kinds]"), function (fieldset) {
      var match = fieldset.getAttribute("data-kinds").split(" ").indexOf(kind) !== -1;
      fieldset.hidden = !match;
      fieldset.disabled = !match;
    });
  }

  function setUpKindForm(form) {
    if (form.getAttribute("data-kind-ready")) return;
    form.setAttribute("data-kind-ready", "true");
    var select = form.querySelector("select[name=kind]");
    if (!select) return;
    select.addEventListener("change", function () { showKindFields(form); });
    showKindFields(form);
  }

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-kind-form]"), setUpKindForm);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();

/* Account forms: after a refused password change, the password fields are emptied (never kept). */
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-clear-passwords")) return;
    if (!event.detail.xhr || event.detail.xhr.status < 400) return;
    Array.prototype.forEach.call(form.querySelectorAll("input[type=password]"), function (input) {
      input.value = "";
    });
  });
})();
