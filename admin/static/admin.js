// The dashboard's own behaviours (no inline scripts: the pages' CSP allows only files from /admin/static).
document.addEventListener("DOMContentLoaded", function () {
  // A form with data-confirm asks before it posts.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
