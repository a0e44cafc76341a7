/* Admin editor: a failed image upload inserts nothing and says why, beside the editor.
   django-markdownx inserts the text "Invalid response" into the body when the server refuses a
   file; this puts the editor back as it was and shows the server's own message instead. */
(function () {
  "use strict";
  function messageBox(editor) {
    var box = editor.parentNode.querySelector(".upload-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "upload-error errornote";
      box.setAttribute("role", "alert");
      editor.parentNode.insertBefore(box, editor);
    }
    return box;
  }
  function watch(parent) {
    var editor = parent.querySelector(".markdownx-editor");
    if (!editor) return;
    var before = null;
    function remember() { before = { value: editor.value, start: editor.selectionStart, end: editor.selectionEnd }; }
    editor.addEventListener("drop", remember, true);
    editor.addEventListener("paste", remember, true);
    function failed(event) {
      var detail = event.detail && event.detail[0];
      var message = (detail && detail.errors) || "The upload failed. Check your connection and try again.";
      var saved = before;
      window.setTimeout(function () {  // markdownx inserts its text right after this event
        if (saved) {
          editor.value = saved.value;
          editor.selectionStart = saved.start;
          editor.selectionEnd = saved.end;
          editor.dispatchEvent(new Event("input"));
        }
        messageBox(editor).textContent = "Image not added: " + message;
      }, 0);
    }
    parent.addEventListener("markdownx.fileUploadError", failed);
    parent.addEventListener("fileUploadError", failed);
    parent.addEventListener("markdownx.fileUploadEnd", function () {
      var box = editor.parentNode.querySelector(".upload-error");
      if (box) box.remove();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".markdownx"), watch);
  });
})();
