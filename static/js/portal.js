// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", function (event) {
  var target = event.detail.target;
  var message = event.detail.xhr.status === 403
    ? "You are not allowed to do that."
    : "That did not save (" + event.detail.xhr.status + "). Reload the page and try again.";
  var note = document.createElement("p");
  note.className = "message message--error";
  note.setAttribute("role", "alert");
  note.textContent = message;
  if (target && target.parentNode) { target.parentNode.insertBefore(note, target); }
});
