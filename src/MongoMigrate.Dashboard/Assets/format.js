"use strict";
// Formatting of figures for the page; no dependencies.
const Format = {
  bytes(n) {
    if (n == null) return "–";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0; let v = Number(n);
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v.toFixed(0) : v.toFixed(1)) + " " + units[i];
  },
  number(n) { return n == null ? "–" : Number(n).toLocaleString("en-US"); },
  rate(n) { return n == null ? "–" : Format.bytes(n) + "/s"; },
  percent(p) { return p == null ? "–" : Number(p).toFixed(1) + "%"; },
  duration(s) {
    if (s == null) return "–";
    s = Math.round(s);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(r).padStart(2, "0")}s` : `${r}s`;
  },
  time(t) { return t ? new Date(t).toLocaleTimeString("en-GB") : "–"; },
  escape(text) {
    return String(text ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  },
};
