"use strict";
// The page's calls to the API: GETs, POST actions with the dashboard's request header, and event streams.
const Api = {
  async get(path) {
    const response = await fetch("/api" + path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.status === 401) { location.href = "/login"; throw new Error("signed out"); }
    if (!response.ok) throw new Error((await Api.error(response)) || `GET ${path}: ${response.status}`);
    return response.json();
  },
  async post(path, body) {
    const response = await fetch("/api" + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-MongoMigrate-Request": "1" },
      body: JSON.stringify(body ?? {}),
    });
    if (!response.ok) throw new Error((await Api.error(response)) || `POST ${path}: ${response.status}`);
    return response.json();
  },
  async error(response) {
    try { return (await response.json()).error; } catch { return null; }
  },
  // Opens an event stream; calls onEvent(data) for each named event and shows the connection's state.
  stream(path, name, onEvent) {
    const source = new EventSource("/api" + path);
    const status = document.getElementById("connection");
    source.addEventListener(name, e => { status.textContent = "live"; onEvent(JSON.parse(e.data)); });
    source.onopen = () => { status.textContent = "live"; };
    source.onerror = () => { status.textContent = "reconnecting…"; };
    return source;
  },
};
