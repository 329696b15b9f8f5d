// Check-in scanner: camera (BarcodeDetector or jsQR), USB/Bluetooth scanners typing into the
// code field, name search with a confirm step, instant verdicts with a sound, and an offline
// mode (salted-hash list from the server, queued scans uploaded when the connection is back).
// The queue lives in IndexedDB and a service worker (checkin_sw.js) keeps the page and the
// offline list, so a scanner reloaded without a connection still works.
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root) { return; }
  var config = JSON.parse(root.getAttribute("data-config"));
  var csrf = root.getAttribute("data-csrf");
  var texts = config.texts;
  var messages = config.messages;
  var CODE_RE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{18}$/;
  var QUEUE_KEY = "checkin-queue:" + config.event + ":" + config.checkpoint;
  // The page's language and a 24-hour clock, in the event's timezone, for every time shown.
  var LANG = document.documentElement.lang || config.locale;
  // The same code seen again within this time keeps the first verdict and sends nothing.
  var QUIET_MS = Math.max(0, Number(config.quietSeconds) || 0) * 1000;

  var el = function (id) { return document.getElementById(id); };
  var codeInput = el("code");
  var verdictBox = el("verdict");
  var bundle = null;        // the offline list: {salt, hexDigits, byHash, byId}
  var freshTimer = null;

  // Lower case without diacritics, as the server folds names (conference/folding.py):
  // "Gęślą" and "gesla" compare equal, and so do "Łucja" and "lucja".
  var NO_DECOMPOSITION = { "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "ı": "i",
    "ŀ": "l", "æ": "ae", "œ": "oe", "þ": "th", "ß": "ss", "ſ": "s", "ƶ": "z", "ȥ": "z" };
  function fold(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "")
      .toLowerCase().replace(/[łøđðħŧıŀæœþßſƶȥ]/g, function (ch) { return NO_DECOMPOSITION[ch]; });
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function nonce() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function focusCode() { codeInput.focus({ preventScroll: true }); }

  // ---- The verdict: colour, text, sound -------------------------------------------------
  var audio = null;
  function beep(level) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tones = { ok: [[880, 0, 0.12]], warn: [[520, 0, 0.12], [520, 0.18, 0.12]], bad: [[200, 0, 0.45]] }[level];
      tones.forEach(function (t) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = level === "bad" ? "square" : "sine";
        osc.frequency.value = t[0];
        gain.gain.value = 0.15;
        osc.connect(gain); gain.connect(audio.destination);
        var start = audio.currentTime + t[1];
        osc.start(start); osc.stop(start + t[2]);
      });
    } catch (e) { /* no sound available: the colour still tells */ }
  }

  function showVerdict(code, level, title, detail) {
    verdictBox.setAttribute("data-level", level);
    verdictBox.setAttribute("data-code", code);
    el("verdict-title").textContent = title;
    el("verdict-detail").textContent = detail || "";
    verdictBox.classList.add("fresh");
    clearTimeout(freshTimer);
    freshTimer = setTimeout(function () { verdictBox.classList.remove("fresh"); }, 1800);
    beep(level);
    focusCode();
  }

  var LEVELS = { welcome: "ok", already_checked_in: "warn" };
  function levelOf(code) { return LEVELS[code] || "bad"; }

  var timeFormat = null;
  function timeText(iso) {
    try {
      timeFormat = timeFormat || new Intl.DateTimeFormat(LANG, {
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: config.timezone });
      return timeFormat.format(new Date(iso));
    } catch (e) { return iso; }
  }

  function localTexts(code, person) {
    person = person || {};
    if (code === "welcome") {
      var role = messages["role:" + person.badge_role] || person.badge_role || "";
      return [fill(messages.welcome, { name: person.name }), person.ticket_type + " / " + role];
    }
    if (code === "already_checked_in") {
      if (!person.checked_in_at) { return [messages.already_plain, person.name || ""]; }
      return [fill(messages.already_checked_in, { time: timeText(person.checked_in_at), checkpoint: person.checkpoint || "?" }), person.name || ""];
    }
    return [messages[code] || code, person.name || ""];
  }

  // ---- Online scan ----------------------------------------------------------------------
  // A venue Wi-Fi that swallows requests must not freeze the door: after a few seconds the
  // scan is judged offline (same nonce, so the server never counts it twice).
  var SCAN_TIMEOUT_MS = 4000;
  function post(url, body, timeoutMs) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && timeoutMs ? setTimeout(function () { controller.abort(); }, timeoutMs) : null;
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    }).then(function (response) { clearTimeout(timer); return response; },
            function (error) { clearTimeout(timer); throw error; });
  }

  function scan(payload) {
    payload.nonce = nonce();
    payload.checkpoint = config.checkpoint;
    payload.scannedAt = new Date().toISOString();
    if (!navigator.onLine) { return scanOffline(payload); }
    return post(config.scanUrl, payload, SCAN_TIMEOUT_MS).then(function (response) {
      // A 5xx (503 + Retry-After while the database restarts) counts as offline: queue it.
      if (response.status >= 500 || response.status === 0) { throw new Error("server " + response.status); }
      return response.json().then(function (data) {
        if (data.status === "ok") {
          var v = data.verdict;
          showVerdict(v.code, v.level, data.message, data.detail);
          rememberOnline(v, payload);
        } else {
          showVerdict("error", "bad", fill(texts.error, { reason: data.reason }), "");
        }
      });
    }).catch(function () { return scanOffline(payload); });
  }

  // Keep the offline list in step with verdicts given online.
  function rememberOnline(v, payload) {
    if (!bundle || v.code !== "welcome") { return; }
    var entry = bundle.byId[v.registration_id];
    if (entry) { markEntered(entry, payload.scannedAt); }
  }

  // ---- Offline --------------------------------------------------------------------------
  function loadBundle() {
    // Offline too: the service worker answers with the list it kept.
    return fetch(config.offlineUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || data.status !== "ok") { return; }
        var byHash = {}, byId = {};
        data.registrations.forEach(function (entry) { entry.key = fold(entry.name + " " + (entry.organization || "")); });
        data.registrations.forEach(function (entry) { byHash[entry.h] = entry; byId[entry.id] = entry; });
        bundle = { salt: data.hash.salt, hexDigits: data.hash.hex_digits, byHash: byHash, byId: byId,
                   list: data.registrations };
        // Scans still waiting in the queue happened after this list was made on the server.
        queue().forEach(function (item) {
          if (item.local_verdict === "welcome" && item.entry_id && byId[item.entry_id]) {
            markEntered(byId[item.entry_id], item.scanned_at);
          }
        });
        el("offline-status").textContent = fill(texts.offlineReady, { count: data.registrations.length });
      })
      .catch(function () { /* keep the list we have */ });
  }

  function hashCode(code) {
    if (!(window.crypto && window.crypto.subtle)) { return Promise.reject(new Error("no crypto.subtle")); }
    var bytes = new TextEncoder().encode(bundle.salt + code);
    return window.crypto.subtle.digest("SHA-256", bytes).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("").slice(0, bundle.hexDigits);
    });
  }

  function dayKey(iso) {
    var parts = new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone, year: "numeric", month: "2-digit", day: "2-digit" })
      .formatToParts(new Date(iso));
    var get = function (type) { return parts.filter(function (p) { return p.type === type; })[0].value; };
    return get("year") + "-" + get("month") + "-" + get("day");
  }

  function markEntered(entry, at) {
    entry.checked_in_at = at;
    entry.checkpoint = config.checkpointName;
  }

  function localVerdict(entry, at) {
    if (entry.verdict !== "welcome") { return entry.verdict; }
    if (config.rule === "unlimited" || !entry.checked_in_at) { return "welcome"; }
    if (config.rule === "daily" && dayKey(entry.checked_in_at) !== dayKey(at)) { return "welcome"; }
    return "already_checked_in";
  }

  function scanOffline(payload) {
    setConnection(false);
    var code = (payload.code || "").trim().toUpperCase();
    var item = { nonce: payload.nonce, scanned_at: payload.scannedAt };
    if (payload.registration_id) { item.registration_id = payload.registration_id; } else { item.code = code; }
    var finish = function (verdictCode, entry) {
      item.local_verdict = verdictCode;
      if (entry) { item.entry_id = entry.id; }
      var shown = localTexts(verdictCode, entry);
      if (verdictCode === "welcome" && entry) { markEntered(entry, payload.scannedAt); }
      enqueue(item);
      showVerdict(verdictCode, levelOf(verdictCode), shown[0], shown[1]);
    };
    if (!payload.registration_id && !CODE_RE.test(code)) { finish("malformed", null); return Promise.resolve(); }
    if (!bundle) {
      enqueue(Object.assign(item, { local_verdict: "" }));
      showVerdict("queued", "warn", texts.offlineMissing, "");
      return Promise.resolve();
    }
    if (payload.registration_id) {
      var byId = bundle.byId[payload.registration_id];
      finish(byId ? localVerdict(byId, payload.scannedAt) : "unknown_code", byId);
      return Promise.resolve();
    }
    return hashCode(code).then(function (h) {
      var entry = bundle.byHash[h];
      finish(entry ? localVerdict(entry, payload.scannedAt) : "unknown_code", entry);
    }).catch(function () {
      // No Web Crypto (a page served without HTTPS): queue the scan without a verdict.
      enqueue(Object.assign(item, { local_verdict: "" }));
      showVerdict("queued", "warn", texts.offlineMissing, "");
    });
  }

  // ---- The queue of offline scans: IndexedDB (one record per scan, keyed by its nonce),
  // mirrored in memory; localStorage only where IndexedDB cannot be opened.
  var queueItems = [];
  var database = null;
  var STORE = "scans";

  function openQueue() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var request;
      try { request = window.indexedDB.open("checkin-queue", 1); } catch (e) { resolve(null); return; }
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore(STORE, { keyPath: "nonce" });
        store.createIndex("place", "place");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { resolve(null); };
      request.onblocked = function () { resolve(null); };
    });
  }

  function storeRequest(mode, work) {
    return new Promise(function (resolve, reject) {
      var tx = database.transaction(STORE, mode);
      var result = work(tx.objectStore(STORE));
      tx.oncomplete = function () { resolve(result && result.result); };
      tx.onerror = tx.onabort = function () { reject(tx.error); };
    });
  }

  function legacyQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }

  // Load this checkpoint's waiting scans (and move any left in localStorage by an older page).
  function loadQueue() {
    return openQueue().then(function (db) {
      database = db;
      if (!database) { queueItems = legacyQueue(); return; }
      var legacy = legacyQueue();
      var moved = legacy.length ? storeRequest("readwrite", function (store) {
        legacy.forEach(function (item) { item.place = QUEUE_KEY; store.put(item); });
      }).then(function () { window.localStorage.removeItem(QUEUE_KEY); }) : Promise.resolve();
      return moved.then(function () {
        return storeRequest("readonly", function (store) { return store.index("place").getAll(QUEUE_KEY); });
      }).then(function (items) {
        queueItems = (items || []).sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : 1; });
      });
    }).catch(function () { queueItems = legacyQueue(); }).then(showQueue);
  }

  function queue() { return queueItems.slice(); }

  function enqueue(item) {
    item.place = QUEUE_KEY;
    queueItems.push(item);
    showQueue();
    if (!database) { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queueItems)); return Promise.resolve(); }
    return storeRequest("readwrite", function (store) { store.put(item); });
  }

  function dequeue(nonces) {
    queueItems = queueItems.filter(function (item) { return !nonces[item.nonce]; });
    showQueue();
    if (!database) { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queueItems)); return Promise.resolve(); }
    return storeRequest("readwrite", function (store) {
      Object.keys(nonces).forEach(function (nonce) { store.delete(nonce); });
    });
  }

  function showQueue() {
    var count = queue().length;
    var box = el("queue-status");
    box.hidden = count === 0;
    box.textContent = fill(texts.waiting, { count: count });
  }

  function setConnection(online) {
    var box = el("connection");
    box.setAttribute("data-state", online ? "online" : "offline");
    box.textContent = online ? texts.online : texts.offline;
  }

  var syncing = false;
  function sync() {
    var items = queue();
    if (syncing || !items.length || !navigator.onLine) { return Promise.resolve(); }
    syncing = true;
    var sent = items.map(function (item) {
      var copy = Object.assign({}, item);
      delete copy.entry_id;
      delete copy.place;
      return copy;
    });
    return post(config.syncUrl, { scans: sent }).then(function (response) {
      if (!response.ok) { throw new Error("sync " + response.status); }
      return response.json();
    }).then(function (data) {
      var done = {};
      data.results.forEach(function (r) { done[r.nonce] = true; });
      // Refused items (malformed, reused nonce) would be refused again: drop them too.
      (data.rejected || []).forEach(function (r) { if (r.nonce) { done[r.nonce] = true; } });
      setConnection(true);
      return dequeue(done).then(function () { return data; });
    }).then(function (data) {
      el("offline-status").textContent = fill(texts.synced, { count: data.results.length });
      return loadBundle();
    }).catch(function () { setConnection(navigator.onLine); })
      .then(function () { syncing = false; });
  }

  window.addEventListener("online", function () { setConnection(true); sync(); });
  window.addEventListener("offline", function () { setConnection(false); });
  setInterval(function () { if (navigator.onLine) { sync(); } }, 10000);
  setInterval(function () { if (navigator.onLine && !queue().length) { loadBundle(); } }, 300000);

  // ---- USB / Bluetooth scanner and keyboard ----------------------------------------------
  el("code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = codeInput.value;
    codeInput.value = "";
    focusCode();
    if (code.trim()) { scan({ code: code, source: "keyboard" }); }
  });
  // Scanners type fast; keep the field focused whenever nothing else is being used.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("input, button, a, select, textarea, video")) { focusCode(); }
  });

  // ---- Camera (camera.js): the same code seen again by the camera within the quiet time
  // keeps the first verdict on screen and sends nothing. Without camera.js (not kept offline
  // yet) the rest of the scanner still works.
  if (window.badgeCamera) {
    window.badgeCamera({
      texts: texts, quietMs: QUIET_MS, onStop: focusCode,
      onCode: function (code) { scan({ code: code, source: "camera" }); }
    });
  }

  // ---- Name search with a confirm step ---------------------------------------------------
  var chosen = null;
  function renderResults(results) {
    var list = el("search-results");
    list.textContent = "";
    if (!results.length) {
      var none = document.createElement("li");
      none.textContent = texts.noResults;
      list.appendChild(none);
      return;
    }
    results.forEach(function (person) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "search-result";
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = person.name;
      var what = document.createElement("span");
      what.className = "what";
      what.textContent = [person.organization, person.ticket_type, person.email, person.state_label]
        .filter(Boolean).join(" · ");
      button.appendChild(who); button.appendChild(what);
      var entered = person.checked_in_label || (person.checked_in_at
        ? fill(texts.alreadyIn, { time: timeText(person.checked_in_at), checkpoint: person.checkpoint || "?" }) : "");
      if (entered) {
        var already = document.createElement("span");
        already.className = "already-in";
        already.textContent = entered;
        button.appendChild(already);
        button.classList.add("is-in");
      }
      button.addEventListener("click", function () { askConfirm(person); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  function searchOffline(q) {
    var words = fold(q).split(/\s+/).filter(Boolean);
    if (!bundle || !words.length) { return []; }
    return bundle.list.filter(function (entry) {
      return words.every(function (w) { return entry.key.indexOf(w) >= 0; });
    }).slice(0, 10).map(function (entry) {
      var already = entry.checked_in_at && localVerdict(entry, new Date().toISOString()) === "already_checked_in";
      return { id: entry.id, name: entry.name, organization: entry.organization || "",
               ticket_type: entry.ticket_type, state_label: texts.states[entry.state] || entry.state,
               checked_in_at: already ? entry.checked_in_at : null, checkpoint: entry.checkpoint };
    });
  }

  el("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var q = el("search").value.trim();
    if (!q) { return; }
    if (!navigator.onLine) { renderResults(searchOffline(q)); return; }
    fetch(config.searchUrl + "?checkpoint=" + config.checkpoint + "&q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { renderResults(data.results || []); })
      .catch(function () { renderResults(searchOffline(q)); });
  });

  function askConfirm(person) {
    chosen = person;
    el("confirm-text").textContent = fill(texts.confirm, { name: person.name });
    el("confirm").hidden = false;
    el("confirm-yes").focus();
  }

  el("confirm-yes").addEventListener("click", function () {
    if (!chosen) { return; }
    var person = chosen;
    chosen = null;
    el("confirm").hidden = true;
    el("search-results").textContent = "";
    el("search").value = "";
    scan({ registration_id: person.id, source: "search" });
  });
  el("confirm-no").addEventListener("click", function () {
    chosen = null;
    el("confirm").hidden = true;
    focusCode();
  });

  // ---- Installable, and working after a reload without a connection ----------------------
  // The service worker keeps this page and its offline list; the page was loaded before the
  // worker controlled it, so it asks the worker to keep them now.
  function installWorker() {
    if (!("serviceWorker" in navigator) || !config.serviceWorker) { return; }
    navigator.serviceWorker.register(config.serviceWorker, { scope: config.serviceWorkerScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          if (event.data && event.data.ok) { root.setAttribute("data-kept", "true"); }
        };
        registration.active.postMessage(
          { type: "keep", urls: [window.location.pathname, config.offlineUrl] }, [channel.port2]);
      })
      .catch(function () { /* no service worker (e.g. plain HTTP): online as before */ });
  }

  // ---- Start ----------------------------------------------------------------------------
  setConnection(navigator.onLine);
  loadQueue().then(loadBundle).then(sync).then(function () { root.setAttribute("data-ready", "true"); });
  installWorker();
  focusCode();
})();
