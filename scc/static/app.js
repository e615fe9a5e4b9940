// ShipCaptainCrew: the little glue the pages need beside htmx. Loaded as a file (the CSP allows no
// inline script); htmx is configured through <meta name="htmx-config">.
(function () {
  "use strict";

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return "";
  }

  // CSRF: cookie sessions must echo the token issued at sign-in on every write.
  document.addEventListener("htmx:configRequest", function (evt) {
    var token = cookie("scc_csrf");
    if (token && evt.detail.verb !== "get") evt.detail.headers["X-CSRF-Token"] = token;
  });

  // The shell: with a session cookie, load the board; without one, ask for sign-in straight away
  // rather than letting the board answer 401. (An expired session still gets its 401 and form.)
  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("board");
    if (!board || !window.htmx || board.querySelector("form.login")) return;
    if (cookie("scc_csrf")) {
      window.htmx.trigger(board, "scc:load-board");
    } else {
      window.htmx.ajax("GET", board.getAttribute("data-login-url"), { target: board, swap: "innerHTML" });
    }
  });

  // A change to many trips at once (the weather call): the board loads again.
  document.addEventListener("scc:board-changed", function () {
    var board = document.getElementById("board");
    if (board && window.htmx) window.htmx.trigger(board, "scc:load-board");
  });

  // Back in the app: the board reloads its tab (trips/_board.html)
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible" || !window.htmx) return;
    var refresh = document.querySelector("#board [data-board-refresh]");
    if (refresh && !document.querySelector("#board [data-more-page]")) {
      window.htmx.trigger(refresh, "scc:visible");
    }
  });

  // A new request clears the last error message.
  document.addEventListener("htmx:beforeRequest", function () {
    var flash = document.getElementById("flash");
    if (flash) flash.textContent = "";
  });

  // Focus the first field with a message, else the first field.
  function focusFirst(root) {
    var target = root.querySelector('[aria-invalid="true"]') ||
      root.querySelector("select, input:not([type=hidden])");
    if (target) target.focus();
  }

  // Modals: a <dialog> swapped into #modal opens; scc:close-modal (HX-Trigger) closes it.
  document.addEventListener("htmx:afterSettle", function () {
    var dialog = document.querySelector("#modal dialog:not([open])");
    if (dialog && typeof dialog.showModal === "function") {
      dialog.showModal();
      focusFirst(dialog);
    }
  });
  // A refused form comes back with messages in place of itself: focus the first (htmx:load, as
  // the old form is detached by then); a save refused as stale, its notice of who changed what
  // (at the top of the form, scrolled into view).
  document.addEventListener("htmx:load", function (evt) {
    var form = evt.target;
    if (!(form instanceof HTMLFormElement) || !form.closest("dialog[open]")) return;
    var notice = form.querySelector(".stale-notice");
    if (notice instanceof HTMLElement) notice.focus();
    else if (form.querySelector('[aria-invalid="true"]')) focusFirst(form);
  });

  // Rows: [data-add-row] copies its <template> into its list; [data-remove-row] drops the row.
  document.addEventListener("click", function (evt) {
    var target = evt.target;
    if (!(target instanceof Element)) return;
    var add = target.closest("[data-add-row]");
    if (add) {
      var template = document.getElementById(add.getAttribute("data-add-row") || "");
      var into = document.getElementById(add.getAttribute("data-into") || "");
      if (!(template instanceof HTMLTemplateElement) || !into) return;
      var row = template.content.firstElementChild.cloneNode(true);
      into.appendChild(row);
      var input = row.querySelector("input:not([type=hidden]), select");
      if (input) input.focus();
      return;
    }
    var remove = target.closest("[data-remove-row]");
    if (remove && remove.closest(".row")) remove.closest(".row").remove();
    if (target.closest("[data-print]")) window.print();
  });
  function closeModal() {
    var dialog = document.querySelector("#modal dialog");
    if (dialog) {
      if (dialog.open) dialog.close();
      dialog.remove();
    }
  }
  document.addEventListener("scc:close-modal", closeModal);
  document.addEventListener("click", function (evt) {
    var target = evt.target;
    if (target instanceof Element && target.closest("[data-close-modal]")) closeModal();
  });
  document.addEventListener("close", function (evt) {
    if (evt.target instanceof HTMLDialogElement) evt.target.remove();
  }, true);

  // Toasts: HX-Trigger {"scc:toast": "Recorded 50.00 cash for Dana"}. The newest says what just
  // happened; older ones go, so a busy minute on the dock doesn't stack them over the cards.
  document.addEventListener("scc:toast", function (evt) {
    var box = document.getElementById("toasts");
    if (!box || !evt.detail) return;
    while (box.children.length > 1) box.firstElementChild.remove();
    var toast = document.createElement("p");
    toast.className = "toast";
    toast.setAttribute("role", "status");
    toast.textContent = String(evt.detail.value || "");
    box.appendChild(toast);
    setTimeout(function () { toast.remove(); }, 5000);
  });

  // Copy buttons (patron payment links).
  document.addEventListener("click", function (evt) {
    var target = evt.target;
    if (!(target instanceof Element)) return;
    var button = target.closest("[data-copy]");
    if (!button || !navigator.clipboard) return;
    var link = new URL(button.getAttribute("data-copy") || "", window.location.href).href;
    navigator.clipboard.writeText(link).then(function () {
      button.textContent = "Copied";
    });
  });

  // Passkeys (WebAuthn). The server sends options as JSON with base64url strings where the
  // browser wants bytes, and takes the answer back the same way (py_webauthn's JSON shapes).
  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64 + "===".slice((b64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": cookie("scc_csrf") },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || "That did not work; please try again.");
        return data;
      });
    });
  }
  function answer(credential) {
    var r = credential.response, out = {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || null,
      response: { clientDataJSON: toText(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toText(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(r.authenticatorData);
      out.response.signature = toText(r.signature);
      out.response.userHandle = r.userHandle ? toText(r.userHandle) : null;
    }
    return out;
  }
  function ceremony(button, register) {
    var box = button.parentNode.querySelector("[data-passkey-message]");
    var token = button.getAttribute("data-token");
    var extra = token ? { token: token } : {};
    function say(text) {
      if (box) { box.textContent = text; box.hidden = !text; }
    }
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say("This browser can't use passkeys; use a password instead.");
      return;
    }
    say("");
    button.disabled = true;
    postJSON(button.getAttribute("data-options-url"), extra).then(function (options) {
      var key = options.publicKey;
      key.challenge = toBytes(key.challenge);
      if (register) {
        key.user.id = toBytes(key.user.id);
        (key.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
        return navigator.credentials.create({ publicKey: key }).then(function (made) {
          return [options, made];
        });
      }
      return navigator.credentials.get({ publicKey: key }).then(function (got) { return [options, got]; });
    }).then(function (pair) {
      var body = { challenge_id: pair[0].challenge_id, credential: answer(pair[1]) };
      if (token) body.token = token;
      return postJSON(button.getAttribute("data-answer-url"), body);
    }).then(function () {
      var next = button.getAttribute("data-next");
      if (next) {
        window.location.assign(next);
      } else {
        button.disabled = false;
        say("");
        document.dispatchEvent(new CustomEvent("scc:toast", { detail: { value: "Passkey added." } }));
      }
    }).catch(function (error) {
      button.disabled = false;
      say(error && error.name === "NotAllowedError" ? "Cancelled." : String(error.message || error));
    });
  }
  document.addEventListener("click", function (evt) {
    var target = evt.target;
    if (!(target instanceof Element)) return;
    var button = target.closest("[data-passkey-register], [data-passkey-login]");
    if (button) ceremony(button, button.hasAttribute("data-passkey-register"));
  });
})();
