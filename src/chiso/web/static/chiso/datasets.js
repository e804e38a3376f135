/* Upload progress for the import forms of /du-lieu/ (loaded only there; no inline script).
 *
 * htmx posts the form in the background and fires htmx:xhr:progress while the file goes up;
 * this fills the form's <progress>. Once the bytes are sent the server checks the file, which
 * the "Đang kiểm tra tệp…" indicator (htmx-indicator) says. Without JavaScript the form posts
 * normally and none of this runs. */
(function () {
  "use strict";

  function bar(event) {
    var form = event.target && event.target.closest ? event.target.closest("form.import-form") : null;
    return form ? form.querySelector("progress.upload-progress") : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var progress = bar(event);
    if (progress) {
      progress.value = 0;
      progress.textContent = "0%";
      progress.hidden = false;
    }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var progress = bar(event);
    if (progress && event.detail && event.detail.lengthComputable && event.detail.total > 0) {
      var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
      progress.value = percent;
      progress.textContent = percent + "%";
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var progress = bar(event);
    if (progress) {
      progress.hidden = true;
    }
  });

  /* htmx does not swap error responses; say so instead of leaving the form silent. */
  function failed(event, text) {
    var form = event.target && event.target.closest ? event.target.closest("form.import-form") : null;
    var area = form ? form.querySelector(".import-result") : null;
    if (area) {
      var line = document.createElement("p");
      line.className = "errorlist";
      line.textContent = text;
      area.replaceChildren(line);
    }
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail && event.detail.xhr ? event.detail.xhr.status : "";
    failed(event, "Máy chủ báo lỗi (mã " + status + "): tệp chưa được nhập. Hãy tải lại trang rồi thử lại.");
  });

  document.addEventListener("htmx:sendError", function (event) {
    failed(event, "Không gửi được tệp tới máy chủ (mất kết nối?): tệp chưa được nhập.");
  });
})();
