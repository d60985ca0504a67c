// SVG charts built through DOM APIs, each with a title, a description and a table alternative.
export {};
