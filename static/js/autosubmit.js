// A <select data-autosubmit> sends its form when it changes (the language switch). A file,
// not an inline handler: the Content-Security-Policy allows scripts from this site only.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field && field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
