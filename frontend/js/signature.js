// A signature drawn with a finger (or a pen or mouse) on a canvas, given as a PNG data URL. Someone
// who cannot draw (a keyboard, a screen reader) signs with their typed name written into the box.

import { h } from "./dom.js";

// Fixed drawing size, scaled by CSS: the PNG is the same whatever the phone (and well under the
// server's 200 KB), and a turned phone does not wipe the drawing.
const WIDTH = 600;
const HEIGHT = 200;
// Strokes shorter than this (in drawing pixels) are a tap, not a signature.
const MIN_INK = 40;

/** The pad: `pad.image()` is the PNG data URL, or null while nothing is drawn; `typedName` is the
 * input whose text "Sign with my typed name" writes into the box. */
export function signaturePad(typedName) {
  const canvas = h("canvas", { width: WIDTH, height: HEIGHT, class: "signature-canvas", role: "img", "aria-label": "Signature box: draw your signature here with a finger" });
  const context = canvas.getContext("2d");
  let ink = 0;
  let last = null;
  const said = h("p", { class: "hint", "aria-live": "polite" });

  function blank() {
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, WIDTH, HEIGHT);
    context.strokeStyle = "#767676";
    context.lineWidth = 2;
    context.beginPath();
    context.moveTo(20, HEIGHT - 40);
    context.lineTo(WIDTH - 20, HEIGHT - 40);
    context.stroke();
    ink = 0;
    said.textContent = "";
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [((event.clientX - box.left) * WIDTH) / box.width, ((event.clientY - box.top) * HEIGHT) / box.height];
  }

  function line(from, to) {
    context.strokeStyle = "#0b1f4d";
    context.lineWidth = 4;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.beginPath();
    context.moveTo(...from);
    context.lineTo(...to);
    context.stroke();
    ink += Math.hypot(to[0] - from[0], to[1] - from[1]);
  }

  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    line(last, [last[0] + 0.5, last[1] + 0.5]); // A dot where the finger lands.
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!last) return;
    // Every point the finger passed through since the last frame, so fast strokes stay smooth.
    for (const one of event.getCoalescedEvents?.() || [event]) {
      const next = point(one);
      line(last, next);
      last = next;
    }
  });
  const stop = () => {
    if (last && ink >= MIN_INK) said.textContent = "Signature drawn.";
    last = null;
  };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  const clear = h("button", { type: "button", class: "secondary", onclick: blank }, "Clear the signature");
  const typed = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: () => {
        const name = typedName.value.trim();
        blank();
        if (!name) {
          said.textContent = "Type the name in the box above first.";
          typedName.focus();
          return;
        }
        context.fillStyle = "#0b1f4d";
        context.font = `italic ${Math.min(64, Math.floor((WIDTH - 60) / Math.max(6, name.length * 0.55)))}px Georgia, serif`;
        context.fillText(name, 30, HEIGHT - 55, WIDTH - 60);
        ink = MIN_INK;
        said.textContent = `Signed with the typed name ${name}.`;
      },
    },
    "Sign with my typed name",
  );
  blank();
  const pad = h("div", { class: "signature" }, canvas, said, h("div", { class: "signature-actions" }, clear, typed));
  pad.image = () => (ink >= MIN_INK ? canvas.toDataURL("image/png") : null);
  return pad;
}
