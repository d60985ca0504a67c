// One offender's page: photos, description, status, their incidents, exclusions, alerts and possible
// duplicates. The BID's managers (and administrators) also edit the record, add photos, issue and
// end exclusions and merge records; everyone else sees the same page read-only.

import { NetworkError, gql } from "../api.js";
import { field, formatDateTime, h, notice } from "../dom.js";
import {
  ANSWER,
  actionForm,
  attempt,
  managesBid,
  mutate,
  offenderPicks,
  offenderStatusName,
  photoUploader,
  setFlash,
  takeFlash,
  thumb,
} from "../manage.js";
import { savedMark, savedPage } from "../saved.js";
import { ruleName } from "./alerts.js";
import { ukDate } from "./gallery.js";
import { incidentItem } from "./reports.js";

const PAGE = `fragment Page on IncidentConnection {
  edges { node { id reference kind status occurredAt description valueStolenPence shop { name } photos { id thumbnailUrl } } }
  pageInfo { hasNextPage endCursor }
}`;

const OFFENDER = `query Offender($id: ID!) {
  offender(id: $id) {
    id displayName description status createdAt bid { id name }
    photos { id url thumbnailUrl originalUrl }
    exclusions { id startsOn endsOn reason inForce issuedAt endedAt endReason }
    incidentCount
    incidents(first: 5) { ...Page }
    alerts(first: 10) { edges { node { id rule createdAt summary } } pageInfo { hasNextPage } }
    possibleDuplicates { id displayName description status thumbnailUrl }
  }
}
${PAGE}`;

const MORE = `query More($id: ID!, $after: String) { offender(id: $id) { incidents(first: 20, after: $after) { ...Page } } }
${PAGE}`;

const ADD_PHOTO = `mutation($offenderId: ID!, $photo: Upload!) { addOffenderPhoto(offenderId: $offenderId, photo: $photo) { ${ANSWER} } }`;
const ISSUE = `mutation($input: IssueExclusionInput!) { issueExclusion(input: $input) { ${ANSWER} } }`;
const END = `mutation($input: EndExclusionInput!) { endExclusion(input: $input) { ${ANSWER} } }`;
const MERGE = `mutation($keepId: ID!, $mergeId: ID!) { mergeOffenders(keepId: $keepId, mergeId: $mergeId) { ${ANSWER} ... on MergeOffendersSuccess { movedLinks } } }`;

function statusBadge(offender) {
  const current = offender.exclusions.find((e) => e.inForce && !e.endedAt);
  if (offender.status === "EXCLUDED" && current) return h("p", { class: "badge badge-excluded" }, `Excluded until ${ukDate(current.endsOn)}`);
  return h("p", { class: `badge badge-${offender.status.toLowerCase().replace("_", "-")}` }, offenderStatusName(offender.status));
}

function photosSection(app, offender, manager) {
  const list = h(
    "ul",
    { class: "photos" },
    offender.photos.map((photo, index) =>
      h(
        "li",
        {},
        h("a", { href: photo.url, target: "_blank", rel: "noopener" }, h("img", { src: photo.thumbnailUrl, alt: `Photo ${index + 1} of ${offender.displayName}`, width: 160 })),
        photo.originalUrl ? h("a", { href: photo.originalUrl, class: "button-link", download: "" }, `Original ${index + 1} (evidence)`) : null,
      ),
    ),
  );
  const add = manager ? photoUploader(app, ADD_PHOTO, { offenderId: offender.id }, "addOffenderPhoto") : null;
  return [offender.photos.length ? null : h("p", { class: "hint" }, "No photos yet."), list, add];
}

function exclusionItem(app, exclusion, manager) {
  const ended = exclusion.endedAt;
  const open = !ended && exclusion.endsOn >= new Date().toISOString().slice(0, 10);
  let endForm = null;
  if (manager && open) {
    const reason = h("textarea", { name: "end-reason", rows: 2, required: true, maxLength: 2000 });
    endForm = h(
      "details",
      {},
      h("summary", {}, "End this exclusion early"),
      actionForm({}, field("Why it ends early", reason), "End the exclusion", async () => {
        await mutate(END, { input: { exclusionId: exclusion.id, reason: reason.value.trim() } }, "endExclusion");
        setFlash("The exclusion has ended.");
        await app.render();
      }),
    );
  }
  return h(
    "li",
    { class: exclusion.inForce && !ended ? "card offender-excluded" : "card" },
    h("span", { class: "card-title" }, `${ukDate(exclusion.startsOn)} to ${ukDate(exclusion.endsOn)}`),
    exclusion.inForce && !ended ? h("span", { class: "badge badge-excluded" }, "In force") : null,
    ended ? h("span", { class: "badge" }, `Ended early ${formatDateTime(ended)}`) : null,
    h("span", { class: "card-text" }, exclusion.reason),
    ended && exclusion.endReason ? h("span", { class: "card-meta" }, `Why: ${exclusion.endReason}`) : null,
    endForm,
  );
}

function issueForm(app, offender) {
  const today = new Date().toISOString().slice(0, 10);
  const starts = h("input", { type: "date", name: "starts-on", required: true, value: today });
  const ends = h("input", { type: "date", name: "ends-on" });
  const reason = h("textarea", { name: "reason", rows: 3, required: true, maxLength: 2000 });
  return h(
    "details",
    {},
    h("summary", {}, "Issue an exclusion"),
    actionForm(
      {},
      [field("Starts on", starts), field("Ends on", ends, "Optional: 12 months after the start if left empty, at most 24."), field("Reason", reason)],
      "Issue the exclusion",
      async () => {
        const input = { offenderId: offender.id, startsOn: starts.value, endsOn: ends.value || null, reason: reason.value.trim() };
        await mutate(ISSUE, { input }, "issueExclusion");
        setFlash("Exclusion issued.");
        await app.render();
      },
    ),
  );
}

async function merge(app, offender, other) {
  if (!confirm(`Merge “${other.displayName}” into “${offender.displayName}”? Its incidents, photos and exclusions move here and it is archived.`)) return;
  const { movedLinks } = await mutate(MERGE, { keepId: offender.id, mergeId: other.id }, "mergeOffenders");
  setFlash(`Merged: ${movedLinks} incident link${movedLinks === 1 ? "" : "s"} moved here.`);
  await app.render();
}

function duplicatesSection(app, offender, manager) {
  if (!offender.possibleDuplicates) return null;
  const status = h("div", { class: "form-status" });
  return [
    h("h2", {}, "Possible duplicates"),
    offender.possibleDuplicates.length ? null : h("p", { class: "hint" }, "None found."),
    h(
      "ul",
      { class: "cards" },
      offender.possibleDuplicates.map((other) =>
        h(
          "li",
          { class: "card" },
          h(
            "a",
            { href: `#/gallery/${other.id}`, class: "card-link row" },
            thumb(other.thumbnailUrl),
            h("span", { class: "card-body" }, h("span", { class: "card-title" }, other.displayName), h("span", { class: "card-text" }, other.description)),
          ),
          manager
            ? h(
                "button",
                {
                  type: "button",
                  onclick: (event) => attempt(event.currentTarget, status, () => merge(app, offender, other)),
                },
                `Merge “${other.displayName}” into this record`,
              )
            : null,
        ),
      ),
    ),
    status,
  ];
}

/** "Merge another record into this one": the gallery to pick from is fetched when it is opened,
 * so the page (and its photos) do not wait for it. */
function mergePicker(app, offender) {
  const body = h("div", {}, h("p", { class: "hint" }, "Loading the gallery…"));
  let loaded = false;
  async function load() {
    loaded = true;
    try {
      const picks = await offenderPicks(offender.bid.id, "Pick the other record", [offender.id]);
      body.replaceChildren(
        picks.empty
          ? picks
          : actionForm({}, [picks, h("p", { class: "hint" }, "The other record's incidents, photos and exclusions move here; it is archived.")], "Merge into this record", async () => {
              const other = { id: picks.selected(), displayName: picks.querySelector("input:checked + label").textContent };
              await merge(app, offender, other);
            }),
      );
    } catch (error) {
      loaded = false;
      body.replaceChildren(notice(error.message, "error"));
    }
  }
  return h(
    "details",
    { ontoggle: (event) => event.currentTarget.open && !loaded && load() },
    h("summary", {}, "Merge another record into this one"),
    body,
  );
}

/** The first incidents, and "Show more" for the next pages. */
function incidentList(offender) {
  if (!offender.incidentCount) return h("p", { class: "hint" }, "No incidents you may see.");
  const list = h("ul", { class: "cards" });
  const more = h("button", { type: "button", class: "secondary" }, "Show more incidents");
  const status = h("div", { class: "form-status" });
  function add(page) {
    list.append(...page.edges.map((e) => incidentItem(e.node)));
    more.hidden = !page.pageInfo.hasNextPage;
    more.dataset.after = page.pageInfo.endCursor;
  }
  more.addEventListener("click", () =>
    attempt(more, status, async () => add((await gql(MORE, { id: offender.id, after: more.dataset.after })).offender.incidents)),
  );
  add(offender.incidents);
  return [list, status, more];
}

/** With no signal: the person's card as the gallery saved on this phone has it, for shop staff. */
async function savedCard(app, id, error) {
  if (!(error instanceof NetworkError)) throw error;
  const saved = await savedPage(app.me, "gallery").catch(() => null);
  const card = saved?.data.bids.flatMap((bid) => bid.offenders).find((o) => o.id === id);
  if (!card) throw error;
  const excluded = card.status === "EXCLUDED" && card.exclusion;
  return h(
    "article",
    { class: "stack offender-page", "data-offline": "1" },
    h("h1", {}, card.displayName),
    h(
      "p",
      { class: `badge badge-${card.status.toLowerCase().replace("_", "-")}` },
      excluded ? `Excluded until ${ukDate(card.exclusion.endsOn)}` : offenderStatusName(card.status),
    ),
    savedMark(saved.savedAt, "This is the person as the gallery on this phone shows them. The full record loads by itself when the signal returns."),
    card.status === "ID_SOUGHT" ? h("p", { class: "notice" }, "Not yet identified. If you know who this is, tell your BID manager.") : null,
    thumb(card.thumbnailUrl, `Photo of ${card.displayName}`),
    h("p", { class: "description" }, card.description),
    h("p", { class: "hint" }, `${card.incidentCount} incident${card.incidentCount === 1 ? "" : "s"}${card.lastSeenAt ? `, last seen ${formatDateTime(card.lastSeenAt)}` : ""}`),
  );
}

export async function render(app, { id }) {
  let offender;
  try {
    ({ offender } = await gql(OFFENDER, { id }));
  } catch (error) {
    return savedCard(app, id, error);
  }
  if (!offender) return h("div", {}, h("h1", {}, "Offender not found"), notice("They are not in a gallery you may see."));
  const manager = managesBid(app.me, offender.bid.id);
  return h(
    "article",
    { class: "stack offender-page" },
    h("h1", {}, offender.displayName),
    statusBadge(offender),
    takeFlash(),
    offender.status === "ID_SOUGHT"
      ? h("p", { class: "notice" }, "Not yet identified. If you know who this is, tell your BID manager.")
      : null,
    h("p", { class: "description" }, offender.description),
    h("p", { class: "hint" }, `${offender.bid.name} · in the gallery since ${formatDateTime(offender.createdAt)}`),
    manager ? h("p", {}, h("a", { href: `#/gallery/${offender.id}/edit`, class: "button-link" }, "Edit the record")) : null,
    h("h2", {}, "Photos"),
    photosSection(app, offender, manager),
    h("h2", {}, "Exclusions"),
    offender.exclusions.length
      ? h("ul", { class: "cards" }, offender.exclusions.map((e) => exclusionItem(app, e, manager)))
      : h("p", { class: "hint" }, "No exclusion notices."),
    manager ? issueForm(app, offender) : null,
    h("h2", {}, `Incidents (${offender.incidentCount})`),
    incidentList(offender),
    offender.alerts ? alertsSection(offender.alerts.edges.map((e) => e.node)) : null,
    duplicatesSection(app, offender, manager),
    manager ? mergePicker(app, offender) : null,
  );
}

function alertsSection(alerts) {
  return [
    h("h2", {}, "Alerts"),
    alerts.length
      ? h(
          "ul",
          { class: "cards alerts" },
          alerts.map((alert) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: `#/alerts/${alert.id}`, class: "card card-link" },
                h("span", { class: "card-body" }, h("span", { class: "card-title" }, ruleName(alert.rule)), h("span", { class: "card-meta" }, formatDateTime(alert.createdAt)), h("span", { class: "card-text" }, alert.summary)),
              ),
            ),
          ),
        )
      : h("p", { class: "hint" }, "No alerts."),
  ];
}
