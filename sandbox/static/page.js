// The sandbox page: swaps in server-rendered panes when the emulator changes (server-sent
// events), and acts as the chosen client or engineer through the page's small JSON API.
"use strict";
(function () {
  const config = JSON.parse(document.body.dataset.config);
  const state = {
    client: config.client,
    engineer: config.engineer,
    topic: config.topic,
    reply: { client: null, group: null },
  };
  const panes = {
    client: document.getElementById("client-pane"),
    group: document.getElementById("group-pane"),
  };

  function toast(text) {
    const el = document.getElementById("toast");
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { el.hidden = true; }, 4000);
  }

  function query(extra) {
    const p = new URLSearchParams({ lang: config.lang, client: state.client, as: state.engineer });
    if (state.topic !== null && state.topic !== undefined) p.set("topic", state.topic);
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return p;
  }

  function syncUrl() {
    history.replaceState(null, "", "?" + query().toString());
    const other = query({ lang: config.lang === "ru" ? "en" : "ru" });
    document.getElementById("other-lang").href = "?" + other.toString();
  }

  async function api(path, body) {
    const init = body instanceof FormData
      ? { method: "POST", body }
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    const answer = await fetch(path, init);
    const data = await answer.json().catch(() => ({ ok: false, error: answer.statusText }));
    if (!data.ok) { toast(data.error || "error"); throw new Error(data.error); }
    return data.result;
  }

  function swap(where, markup) {
    const pane = panes[where];
    const old = pane.querySelector(".messages");
    const atBottom = !old || old.scrollHeight - old.scrollTop - old.clientHeight < 40;
    const keep = old ? old.scrollTop : 0;
    pane.innerHTML = markup;
    const list = pane.querySelector(".messages");
    if (list) list.scrollTop = atBottom ? list.scrollHeight : keep;
  }

  let pending = null;
  let loading = false;
  async function refresh() {
    if (loading) { pending = pending || setTimeout(() => { pending = null; refresh(); }, 80); return; }
    loading = true;
    try {
      const p = query();
      const [c, g] = await Promise.all([
        fetch("/pane/client?" + p.toString()),
        fetch("/pane/group?" + p.toString()),
      ]);
      const time = c.headers.get("X-Desk-Time");
      if (time) document.getElementById("desk-time").textContent = decodeURIComponent(time);
      swap("client", await c.text());
      swap("group", await g.text());
    } finally {
      loading = false;
    }
  }

  function whereOf(el) {
    const side = el.closest("[data-where]");
    return side ? side.dataset.where : "client";
  }
  function who(where) { return where === "group" ? state.engineer : state.client; }

  async function send(where, text) {
    const body = { who: who(where), where, text, topic: state.topic, reply_to: state.reply[where] };
    await api("/api/send", body);
    setReply(where, null);
  }

  function setReply(where, message) {
    state.reply[where] = message ? Number(message.dataset.message) : null;
    const box = document.querySelector(`.composer[data-where="${where}"] .replying`);
    box.hidden = !message;
    if (message) {
      const body = message.querySelector(".text, .caption");
      box.querySelector("q").textContent = (body ? body.textContent : "").slice(0, 80);
    }
  }

  async function showCommands(form) {
    const where = form.dataset.where;
    const menu = form.querySelector(".menu");
    if (!menu.hidden) { menu.hidden = true; return; }
    const p = new URLSearchParams({ where, who: who(where) });
    const answer = await fetch("/api/commands?" + p.toString());
    const list = (await answer.json()).result || [];
    menu.replaceChildren(...list.map((c) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "cmd";
      b.dataset.command = "/" + c.command;
      const name = document.createElement("b");
      name.textContent = "/" + c.command;
      b.append(name, document.createTextNode(c.description));
      return b;
    }));
    menu.hidden = false;
  }

  document.addEventListener("click", async (event) => {
    const el = event.target.closest("button, a, [data-goto]");
    if (!el) return;
    const where = whereOf(el);
    try {
      if (el.matches(".btn[data-button]")) {
        event.preventDefault();
        await api("/api/press", {
          who: who(where), where, chat_id: Number(el.dataset.chat),
          message_id: Number(el.dataset.message), button: el.dataset.button,
        });
      } else if (el.matches(".reply-btn")) {
        setReply(where, el.closest(".msg"));
        document.querySelector(`.composer[data-where="${where}"] input[name=text]`).focus();
      } else if (el.matches(".cancel-reply")) {
        setReply(where, null);
      } else if (el.matches("[data-goto]")) {
        const target = document.getElementById(el.dataset.goto);
        if (target) {
          target.scrollIntoView({ block: "center" });
          target.classList.add("flash");
          setTimeout(() => target.classList.remove("flash"), 1200);
        }
      } else if (el.matches(".topic")) {
        event.preventDefault();
        state.topic = el.dataset.topic ? Number(el.dataset.topic) : null;
        setReply("group", null);
        syncUrl();
        await refresh();
      } else if (el.matches(".key")) {
        await send(where, el.dataset.text);
      } else if (el.matches(".menu .cmd")) {
        el.closest(".menu").hidden = true;
        await send(where, el.dataset.command);
      } else if (el.matches(".commands")) {
        await showCommands(el.closest("form"));
      } else if (el.matches("[data-clock]")) {
        const r = await api("/api/clock?lang=" + config.lang, { amount: Number(el.dataset.clock), unit: el.dataset.unit });
        document.getElementById("desk-time").textContent = r.desk_time;
      } else if (el.id === "clock-go") {
        const amount = Number(document.getElementById("clock-amount").value);
        const unit = document.getElementById("clock-unit").value;
        const r = await api("/api/clock?lang=" + config.lang, { amount, unit });
        document.getElementById("desk-time").textContent = r.desk_time;
      } else if (el.matches("[data-fault]")) {
        await api("/api/fault", { kind: el.dataset.fault, who: state.client });
        await refresh();
      }
    } catch (err) {
      console.warn(err);
    }
  });

  for (const form of document.querySelectorAll("form.composer")) {
    const where = form.dataset.where;
    const input = form.querySelector("input[name=text]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      try { await send(where, text); } catch (err) { input.value = text; }
    });
    form.querySelector("input[type=file]").addEventListener("change", async (event) => {
      const files = event.target.files;
      if (!files.length) return;
      const data = new FormData();
      data.set("who", who(where));
      data.set("where", where);
      if (state.topic !== null && state.topic !== undefined) data.set("topic", state.topic);
      if (state.reply[where]) data.set("reply_to", state.reply[where]);
      data.set("caption", input.value.trim());
      for (const f of files) data.append("file", f);
      try {
        await api("/api/upload", data);
        input.value = "";
        setReply(where, null);
      } finally {
        event.target.value = "";
      }
    });
  }

  document.getElementById("client-select").addEventListener("change", (e) => {
    state.client = e.target.value;
    setReply("client", null);
    syncUrl();
    refresh();
  });
  document.getElementById("engineer-select").addEventListener("change", (e) => {
    state.engineer = e.target.value;
    syncUrl();
    refresh();
  });

  for (const list of document.querySelectorAll(".messages")) list.scrollTop = list.scrollHeight;
  syncUrl();
  const events = new EventSource("/events");
  events.onmessage = () => { refresh(); };
  events.onerror = () => { document.body.classList.add("offline"); };
  events.onopen = () => {
    if (document.body.classList.contains("offline")) refresh();
    document.body.classList.remove("offline");
  };
})();
