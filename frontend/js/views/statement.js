// A witness statement (MG11) for an incident: the text prefilled from the report, edited by the
// witness, the s.9 declaration, a signature drawn with a finger and the typed name. A signed
// statement is shown read-only; "Correct this statement" makes a new version that replaces it.

import { gql } from "../api.js";
import { field, formatDateTime, h, kindName, notice, uid } from "../dom.js";
import { actionForm, managesShop, mutate, setFlash, takeFlash } from "../manage.js";
import { currentQuery, navigate } from "../router.js";
import { signaturePad } from "../signature.js";
import { referenceTag } from "./reports.js";

// As on the MG11 and in the server's evidence/declaration.py (a test compares them); the page count
// is known only once the PDF is made.
export const DECLARATION =
  "This statement (consisting of … page(s) each signed by me) is true to the best of my knowledge and belief and I make it knowing that, if it is tendered in evidence, I shall be liable to prosecution if I have wilfully stated in it anything which I know to be false, or do not believe to be true.";

const STATEMENTS = `query Statements($id: ID!) {
  incident(id: $id) {
    id reference kind shop { id name } reporter { id } statementDraft mayRecordStatement
    photos { id exhibitReference thumbnailUrl }
    statements {
      id version replacesId witnessName occupation over18 text declaration signedName signedAt signatureImage sha256
      takenBy { name } exhibits { reference photo { id thumbnailUrl url } }
    }
  }
}`;

const RECORD = `mutation($input: RecordWitnessStatementInput!) {
  recordWitnessStatement(input: $input) { __typename ... on ValidationError { field message } ... on PermissionDenied { message } ... on NotFound { message } }
}`;

function row(term, value) {
  return value ? [h("dt", {}, term), h("dd", {}, value)] : null;
}

/** One signed statement, read-only, as the witness signed it. */
function signed(statement, incidentId, mayCorrect) {
  return h(
    "article",
    { class: "statement", id: `statement-${statement.id}` },
    h("h2", {}, `${statement.witnessName}, version ${statement.version}`),
    statement.replacesId ? h("p", { class: "hint" }, `Corrects version ${statement.version - 1}.`) : null,
    h(
      "dl",
      { class: "facts" },
      row("Occupation", statement.occupation),
      row("Age", statement.over18 ? "Over 18" : "Under 18"),
      row("Signed", `${formatDateTime(statement.signedAt)} by ${statement.signedName}`),
      row("Taken by", statement.takenBy?.name),
    ),
    h("p", { class: "description" }, statement.text),
    h("p", { class: "declaration" }, statement.declaration),
    h("p", { class: "hint" }, "Signature"),
    h("img", { src: statement.signatureImage, alt: `Signature of ${statement.signedName}`, class: "signature-image" }),
    statement.exhibits.length
      ? [
          h("h3", {}, "Exhibits"),
          h(
            "ul",
            { class: "photos" },
            statement.exhibits.map((exhibit) =>
              h("li", {}, h("a", { href: exhibit.photo.url, target: "_blank", rel: "noopener" }, h("img", { src: exhibit.photo.thumbnailUrl, alt: `Exhibit ${exhibit.reference}`, width: 160 })), h("strong", {}, exhibit.reference)),
            ),
          ),
        ]
      : null,
    h("p", { class: "hint sha" }, `SHA-256 ${statement.sha256}`),
    mayCorrect ? h("a", { href: `#/incidents/${encodeURIComponent(incidentId)}/statement?corrects=${encodeURIComponent(statement.id)}`, class: "button-link" }, "Correct this statement") : null,
  );
}

/** The report's photos not yet exhibits, each ticked to be produced as one (all at first); null without any. */
function exhibitPicks(incident) {
  const photos = incident.photos.map((photo, index) => ({ ...photo, number: index + 1 })).filter((photo) => !photo.exhibitReference);
  if (!photos.length) return null;
  return h(
    "fieldset",
    { class: "offenders exhibit-picks" },
    h("legend", {}, "Photos produced as exhibits"),
    h("p", { class: "hint" }, "Each ticked photo becomes an exhibit under the witness's initials (e.g. MS/1). Untick any the witness cannot speak to."),
    photos.map((photo) => {
      const id = uid("exhibit");
      return h("div", { class: "pick" }, h("input", { type: "checkbox", id, name: "exhibit", value: photo.id, checked: true }), h("label", { htmlFor: id }, h("img", { src: photo.thumbnailUrl, alt: "" }), h("span", {}, `Photo ${photo.number}`)));
    }),
  );
}

/** The form: the witness, the text, the exhibits, the declaration, the signature and the typed name. */
function statementForm(app, incident, before) {
  const reporter = incident.reporter?.id === app.me.id;
  const name = h("input", { type: "text", name: "witness-name", required: true, maxLength: 200, autocomplete: "name", value: before?.witnessName || (reporter ? app.me.name : "") });
  const occupation = h("input", { type: "text", name: "occupation", required: true, maxLength: 200, value: before?.occupation || "" });
  const over18 = h("input", { type: "checkbox", name: "over-18", id: "over-18", checked: before ? before.over18 : true });
  const body = before?.text || incident.statementDraft || "";
  // Tall enough to read the whole draft on a phone without scrolling inside the box.
  const rows = Math.min(30, Math.max(10, body.split("\n").reduce((n, line) => n + Math.ceil((line.length + 1) / 34), 1)));
  const text = h("textarea", { name: "text", rows, required: true, maxLength: 20000 }, body);
  const typed = h("input", { type: "text", name: "signed-name", required: true, maxLength: 200, autocomplete: "name" });
  const pad = signaturePad(typed);
  const exhibits = exhibitPicks(incident);
  return actionForm(
    { class: "stack statement-form", "aria-label": "Witness statement" },
    [
      before ? notice(`This makes version ${before.version + 1}, which replaces version ${before.version}; version ${before.version} is kept as it was signed.`) : null,
      field("Witness's full name", name),
      field("Occupation", occupation),
      h("div", { class: "check" }, over18, h("label", { htmlFor: "over-18" }, "The witness is over 18")),
      field("Statement", text, "In the witness's own words: what they saw, heard and did, and when. Correct anything the draft got wrong."),
      exhibits,
      h("div", { class: "declaration-box" }, h("h2", {}, "Declaration"), h("p", { class: "declaration" }, DECLARATION)),
      field("Type the witness's name to sign", typed, "The full name as given above: it is printed under the signature."),
      h("fieldset", {}, h("legend", {}, "Sign with a finger in the box"), pad),
    ],
    before ? "Sign and send the correction" : "Sign and send the statement",
    async () => {
      // The draft's bracketed prompts are for the witness to replace: never signed as they are.
      const prompts = (incident.statementDraft || "").match(/\[[^\]]+\]/g) || [];
      if (prompts.some((prompt) => text.value.includes(prompt))) throw new Error("Replace the parts in square brackets with the witness's own words, or delete them.");
      const image = pad.image();
      if (!image) throw new Error("Draw your signature in the box, or tap “Sign with my typed name”.");
      await mutate(
        RECORD,
        {
          input: {
            incidentId: incident.id,
            witnessName: name.value.trim(),
            occupation: occupation.value.trim(),
            over18: over18.checked,
            text: text.value,
            signature: { image, typedName: typed.value.trim() },
            replacesId: before?.id || null,
            exhibitPhotoIds: exhibits ? [...exhibits.querySelectorAll("input:checked")].map((box) => box.value) : null,
          },
        },
        "recordWitnessStatement",
      );
      setFlash("Statement signed and kept. It can no longer be changed; a correction makes a new version.");
      navigate(`/incidents/${encodeURIComponent(incident.id)}/statement`);
    },
  );
}

export async function render(app, { id }) {
  const { incident } = await gql(STATEMENTS, { id });
  if (!incident) return h("div", {}, h("h1", {}, "Report not found"), notice("It does not exist or is not yours to see."));
  const correcting = incident.statements.find((s) => s.id === currentQuery().get("corrects"));
  const replaced = new Set(incident.statements.map((s) => s.replacesId).filter(Boolean));
  const current = incident.statements.filter((s) => !replaced.has(s.id)).reverse();
  const earlier = incident.statements.filter((s) => replaced.has(s.id)).reverse();
  const may = incident.mayRecordStatement;
  const back = h("p", { class: "crumbs" }, h("a", { href: `#/incidents/${encodeURIComponent(incident.id)}` }, `Back to ${incident.reference || "the report"}`));
  if (correcting && may && !replaced.has(correcting.id))
    return h("div", { "data-title": "Correct a statement" }, back, h("h1", {}, "Correct a statement"), statementForm(app, incident, correcting));
  return h(
    "div",
    { "data-title": "Witness statements" },
    back,
    h("h1", {}, may && !current.length ? "Make a statement" : "Witness statements"),
    h("p", { class: "hint" }, `${kindName(incident.kind)} at ${incident.shop.name}`, incident.reference ? " · " : "", referenceTag(incident)),
    takeFlash(),
    current.map((statement) => signed(statement, incident.id, may)),
    earlier.length
      ? h("details", { class: "earlier" }, h("summary", {}, `Earlier versions (${earlier.length})`), earlier.map((statement) => signed(statement, incident.id, false)))
      : null,
    // A reporter makes their own statement; managers and administrators take down others'.
    may && current.length && managesShop(app.me, incident.shop.id) ? h("details", { class: "another" }, h("summary", {}, "Make another statement"), statementForm(app, incident, null)) : null,
    may && !current.length ? statementForm(app, incident, null) : null,
    !may && !current.length ? notice("No statement you can see has been signed for this report.") : null,
  );
}
