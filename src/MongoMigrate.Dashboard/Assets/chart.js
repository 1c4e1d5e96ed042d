"use strict";
// A small line chart on a canvas: throughput over time, drawn without any library.
class LineChart {
  constructor(canvas, formatValue) {
    this.canvas = canvas;
    this.formatValue = formatValue;
    this.points = [];
  }
  set(points) { this.points = points.slice(-600); this.draw(); }
  add(point) { this.points.push(point); if (this.points.length > 600) this.points.shift(); this.draw(); }
  draw() {
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 600, height = canvas.clientHeight || 180;
    canvas.width = width * ratio; canvas.height = height * ratio;
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const left = 70, bottom = height - 20, top = 10, right = width - 10;
    const values = this.points.map(p => p.value);
    const max = Math.max(1, ...values) * 1.1;
    g.strokeStyle = "#dde1e6"; g.fillStyle = "#667"; g.font = "11px system-ui, sans-serif"; g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = bottom - (bottom - top) * i / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(right, y); g.stroke();
      g.fillText(this.formatValue(max * i / 4), 4, y + 4);
    }
    if (this.points.length < 2) {
      g.fillText("waiting for samples…", left + 10, (top + bottom) / 2);
      return;
    }
    const t0 = this.points[0].at, t1 = this.points[this.points.length - 1].at, span = Math.max(1, t1 - t0);
    g.fillText(Format.time(t0), left, height - 4);
    g.fillText(Format.time(t1), right - 50, height - 4);
    g.beginPath();
    this.points.forEach((p, i) => {
      const x = left + (right - left) * (p.at - t0) / span;
      const y = bottom - (bottom - top) * p.value / max;
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.strokeStyle = "#1e88e5"; g.lineWidth = 2; g.stroke();
  }
}
