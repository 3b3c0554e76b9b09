// The first screen: asks core for a summary of the open book and shows it, or the error.
// A later issue replaces this page with the Svelte UI.
"use strict";

function show(id) {
  for (const section of ["loading", "summary", "error"]) {
    document.getElementById(section).hidden = section !== id;
  }
}

// What to do about an error, by its code. Until this window can ask for a passphrase or a
// recovery key (a later issue), they reach the app through the environment.
const HINTS = {
  keyring_unavailable:
    "Start Rapport with a passphrase instead: set RAPPORT_PASSPHRASE (at least 8 characters) in its environment.",
  key_missing:
    "Start Rapport with the book's recovery key in RAPPORT_RECOVERY_KEY; it puts the key back into the keyring.",
  wrong_key: "Check the passphrase or recovery key and start Rapport again.",
};

function showError(err) {
  // Core's errors arrive as {code, message, field?}; anything else is shown as text.
  const isWire = err && typeof err === "object" && "message" in err;
  const code = isWire ? err.code : "";
  document.getElementById("error-message").textContent = isWire ? err.message : String(err);
  document.getElementById("error-hint").textContent = HINTS[code] || "";
  document.getElementById("error-code").textContent = code ? `Error code: ${code}` : "";
  show("error");
}

async function load() {
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.core) {
    showError("This page must be opened inside the Rapport app.");
    return;
  }
  try {
    const summary = await tauri.core.invoke("book_summary");
    const number = new Intl.NumberFormat();
    document.getElementById("book-path").textContent = summary.path;
    document.getElementById("count-accounts").textContent = number.format(summary.accounts);
    document.getElementById("count-contacts").textContent = number.format(summary.contacts);
    document.getElementById("count-notes").textContent = number.format(summary.notes);
    show("summary");
    const recoveryKey = await tauri.core.invoke("take_recovery_key");
    if (recoveryKey) {
      document.getElementById("recovery-key").textContent = recoveryKey;
      document.getElementById("recovery").hidden = false;
    }
  } catch (err) {
    showError(err);
  }
}

document.addEventListener("DOMContentLoaded", load);
