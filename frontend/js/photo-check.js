// A photo checked on the phone before it is sent, as the server checks it (incidents/photos.py and
// photo_formats.py): its size, then its format from its first bytes (never its name or type, which
// phones set loosely). The words are the server's; the server checks again and decides.

import { ACCEPTED_FORMATS_TEXT, HEIF_BRANDS, MAX_PHOTO_BYTES } from "./photo-rules.js";

const MB = 1024 * 1024;

function text(bytes, start, end) {
  return String.fromCharCode(...bytes.slice(start, end));
}

function acceptedFormat(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "JPEG";
  if (text(bytes, 0, 8) === "\x89PNG\r\n\x1a\n") return "PNG";
  if (text(bytes, 0, 4) === "RIFF" && text(bytes, 8, 12) === "WEBP") return "WEBP";
  if (text(bytes, 4, 8) === "ftyp" && HEIF_BRANDS.includes(text(bytes, 8, 12))) return "HEIF";
  return null;
}

/** The common things people pick that are not accepted photos, named for a clearer reason. */
function namedFormat(bytes) {
  const start = text(bytes, 0, 6);
  if (start === "GIF87a" || start === "GIF89a") return "GIF";
  if (text(bytes, 0, 2) === "BM" && bytes.slice(6, 10).every((b) => b === 0)) return "BMP";
  if (["II*\0", "MM\0*"].includes(text(bytes, 0, 4))) return "TIFF";
  if (text(bytes, 0, 5) === "%PDF-") return "PDF";
  if (text(bytes, 4, 8) === "ftyp" && ["avif", "avis"].includes(text(bytes, 8, 12))) return "AVIF";
  const head = text(bytes, 0, 1024).replace(/^[\xef\xbb\xbf \t\r\n]*/, "").toLowerCase();
  if (head.includes("<svg") || (head.startsWith("<?xml") && text(bytes, 0, 4096).toLowerCase().includes("<svg"))) {
    return "SVG";
  }
  return null;
}

/** Why the server would refuse this file as a photo, in its words; null when it would take it. */
export async function photoProblem(file) {
  if (file.size === 0) return "The photo is empty.";
  if (file.size > MAX_PHOTO_BYTES) {
    return `The photo is ${(file.size / MB).toFixed(1)} MB; the limit is ${Math.floor(MAX_PHOTO_BYTES / MB)} MB.`;
  }
  const bytes = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  if (acceptedFormat(bytes)) return null;
  const named = namedFormat(bytes);
  if (named) return `${named} files are not accepted: please send the photo as ${ACCEPTED_FORMATS_TEXT}.`;
  return `This file is not a photo in a format we accept: please send ${ACCEPTED_FORMATS_TEXT}.`;
}
