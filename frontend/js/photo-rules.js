// Written by scripts/write_photo_rules.py from the server's limits; a test fails when it differs.
// The phone checks photos against these before sending; the server's own check still decides.
export const MAX_PHOTO_BYTES = 15728640;
export const MAX_PHOTOS = 6;
export const ACCEPTED_FORMATS_TEXT = "JPEG, PNG, WebP or HEIC";
export const ACCEPTED_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"];
export const HEIF_BRANDS = ["heic", "heim", "heis", "heix", "hevc", "hevm", "hevs", "hevx", "mif1", "msf1"];
