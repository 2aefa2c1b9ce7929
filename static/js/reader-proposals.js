// Linked proposals in the composer: chips, type-ahead search ranked for the source (its own
// candidacies, then the same election, then the others), a warning before linking a proposal of
// a candidacy the source is not about, and inline creation with errors next to the fields.
import { api, ApiError } from "./reader-api.js";

const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_m, key) => values[key] ?? "");

export class ProposalPicker {
  constructor({ list, input, results, details, warning, source, strings, onError }) {
    this.list = list;
    this.warning = warning;
    this.source = source; // {articleId, candidacies: Set of ids, elections: Set of ids}
    this.pendingForeign = null;
    this.input = input;
    this.results = results;
    this.details = details;
    this.strings = strings;
    this.onError = onError;
    this.linked = new Map(); // id -> title
    this.active = -1;
    this.timer = null;
    this.seq = 0;
    input.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(), 180);
    });
    input.addEventListener("keydown", (event) => this.onKey(event));
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    details.addEventListener("toggle", () => details.open && this.loadChoices());
    details.querySelector("#np-create").addEventListener("click", () => this.createInline());
    warning.querySelector("[data-role=confirm]").textContent = strings.linkAnyway;
    warning.querySelector("[data-role=confirm]").addEventListener("click", () => {
      const proposal = this.pendingForeign;
      this.hideWarning();
      if (proposal) this.add(proposal.id, proposal.title);
    });
    warning.querySelector("[data-role=cancel]").addEventListener("click", () => {
      this.hideWarning();
      this.input.focus();
    });
  }

  group(proposal) {
    const candidacy = proposal.candidacy || {};
    if (this.source.candidacies.has(candidacy.id)) return 0;
    if (candidacy.election && this.source.elections.has(candidacy.election.id)) return 1;
    return 2;
  }

  // Choosing a result: a proposal of another candidacy than the source's waits for a confirmation.
  choose(proposal) {
    if (this.group(proposal) === 0 || this.source.candidacies.size === 0) {
      this.add(proposal.id, proposal.title);
      return;
    }
    const candidacy = proposal.candidacy || {};
    this.pendingForeign = proposal;
    this.warning.querySelector("[data-role=text]").textContent = fmt(this.strings.foreignWarning, {
      title: proposal.title,
      candidate: candidacy.candidate ? candidacy.candidate.full_name : "",
      election: candidacy.election ? candidacy.election.name : "",
    });
    this.warning.hidden = false;
    this.close();
    this.warning.querySelector("[data-role=confirm]").focus();
  }

  hideWarning() {
    this.pendingForeign = null;
    this.warning.hidden = true;
  }

  set(links) {
    this.linked = new Map(links.map((p) => [p.id, p.title]));
    this.renderChips();
  }

  ids() {
    return Array.from(this.linked.keys());
  }

  renderChips() {
    this.list.replaceChildren();
    for (const [id, title] of this.linked) {
      const li = document.createElement("li");
      li.className = "chip chip-proposal";
      li.dataset.proposalId = String(id);
      li.append(title + " ");
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", `${this.strings.remove}: ${title}`);
      remove.textContent = "×";
      remove.addEventListener("click", () => {
        this.linked.delete(id);
        this.renderChips();
      });
      li.append(remove);
      this.list.append(li);
    }
  }

  add(id, title) {
    this.linked.set(id, title);
    this.renderChips();
    this.input.value = "";
    this.close();
    this.input.focus();
  }

  close() {
    this.results.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.active = -1;
  }

  async search() {
    const words = this.input.value.trim();
    if (words.length < 2) return this.close();
    const seq = ++this.seq;
    let data;
    try {
      data = await api("GET", `/api/proposals/?search=${encodeURIComponent(words)}&for_article=${this.source.articleId}&page_size=8`);
    } catch (error) {
      return this.onError(error);
    }
    if (seq !== this.seq) return; // a newer search is on its way
    const items = data.results || data;
    this.results.replaceChildren();
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "typeahead-empty";
      li.textContent = this.strings.noResult;
      this.results.append(li);
    }
    items.forEach((proposal, index) => {
      const li = document.createElement("li");
      li.role = "option";
      li.id = `proposal-option-${proposal.id}`;
      li.dataset.index = String(index);
      const title = document.createElement("strong");
      title.textContent = proposal.title;
      const meta = document.createElement("span");
      meta.className = "typeahead-meta";
      const candidacy = proposal.candidacy || {};
      const candidate = candidacy.candidate ? candidacy.candidate.full_name : "";
      const election = candidacy.election ? candidacy.election.name : "";
      meta.textContent = [candidate, election].filter(Boolean).join(" · ");
      const group = this.group(proposal);
      const badge = document.createElement("span");
      badge.className = `typeahead-group typeahead-group-${group}`;
      badge.textContent = [this.strings.groupSource, this.strings.groupElection, this.strings.groupOther][group];
      li.dataset.group = String(group);
      li.append(title, meta, badge);
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        this.choose(proposal);
      });
      li._proposal = proposal;
      this.results.append(li);
    });
    this.results.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  onKey(event) {
    const options = Array.from(this.results.querySelectorAll("[role=option]"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      this.active = (this.active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      options.forEach((o, i) => o.setAttribute("aria-selected", String(i === this.active)));
      this.input.setAttribute("aria-activedescendant", options[this.active].id);
    } else if (event.key === "Enter" && this.active >= 0 && options[this.active]) {
      event.preventDefault();
      this.choose(options[this.active]._proposal);
    } else if (event.key === "Escape") {
      this.close();
    }
  }

  async loadChoices() {
    if (this.choicesLoaded) return;
    this.choicesLoaded = true;
    try {
      const [candidacies, themes] = await Promise.all([
        api("GET", "/api/candidacies/?page_size=200"),
        api("GET", "/api/themes/?page_size=200"),
      ]);
      // Candidacies are sent by id, themes by code (the proposals API contract).
      const fill = (select, items, label, value, placeholder) => {
        if (placeholder) select.append(new Option(placeholder, ""));
        for (const item of items.results || items) select.append(new Option(label(item), value(item)));
      };
      const lang = document.documentElement.lang || "fr";
      const themeLabel = (th) => ((lang.startsWith("en") ? th.label_en : th.label_fr) || th.code).split(" (")[0];
      const candidacyLabel = (c) => `${c.candidate.full_name} · ${c.election.name}`;
      // The source's candidacies first, the first of them chosen: pre-filled from the source.
      const select = this.details.querySelector("#np-candidacy");
      const all = candidacies.results || candidacies;
      const own = all.filter((c) => this.source.candidacies.has(c.id));
      const others = all.filter((c) => !this.source.candidacies.has(c.id));
      select.append(new Option(this.strings.moreCandidacies, ""));
      for (const [label, items] of [[this.strings.sourceCandidacies, own], [this.strings.otherCandidacies, others]]) {
        if (!items.length) continue;
        const group = document.createElement("optgroup");
        group.label = label;
        for (const c of items) group.append(new Option(candidacyLabel(c), String(c.id)));
        select.append(group);
      }
      if (own.length && !select.value) select.value = String(own[0].id);
      fill(this.details.querySelector("#np-theme"), themes, themeLabel, (th) => th.code, this.strings.chooseTheme);
      fill(this.details.querySelector("#np-secondary"), themes, themeLabel, (th) => th.code);
    } catch (error) {
      this.choicesLoaded = false;
      this.onError(error);
    }
  }

  // True when the composer was asked to create a proposal: the inline form is open with text.
  hasPendingCreation() {
    const value = (sel) => this.details.querySelector(sel).value.trim();
    return this.details.open && Boolean(value("#np-title") || value("#np-statement"));
  }

  showFieldErrors(fields, summary) {
    const box = this.details.querySelector("#np-error");
    box.textContent = summary || "";
    box.hidden = !summary;
    let first = null;
    for (const name of ["title", "statement", "candidacy", "primary_theme", "secondary_themes"]) {
      const message = fields[name] ? [].concat(fields[name]).join(" ") : "";
      const error = this.details.querySelector(`#np-${name}-error`);
      const control = this.details.querySelector(`[aria-describedby="np-${name}-error"]`);
      error.textContent = message;
      error.hidden = !message;
      if (message) {
        control.setAttribute("aria-invalid", "true");
        first = first || control;
      } else {
        control.removeAttribute("aria-invalid");
      }
    }
    if (first) {
      this.details.open = true;
      first.scrollIntoView({ block: "center" });
      first.focus();
    }
  }

  // Creates and links the typed proposal; on failure the errors sit next to their fields, focus
  // moves to the first, and everything typed stays. Returns whether it was created.
  async createInline({ fromSave = false } = {}) {
    const value = (sel) => this.details.querySelector(sel).value.trim();
    const body = {
      title: value("#np-title"),
      statement: value("#np-statement"),
      candidacy: Number(value("#np-candidacy")) || null,
      primary_theme: value("#np-theme"),
      secondary_themes: Array.from(this.details.querySelector("#np-secondary").selectedOptions).map((o) => o.value),
    };
    const summary = fromSave ? this.strings.proposalNotCreated : this.strings.newProposalMissing;
    const missing = {};
    for (const name of ["title", "statement", "candidacy", "primary_theme"]) {
      if (!body[name]) missing[name] = this.strings.fieldRequired;
    }
    if (Object.keys(missing).length) {
      this.showFieldErrors(missing, summary);
      return false;
    }
    try {
      const created = await api("POST", "/api/proposals/", { body });
      this.showFieldErrors({}, "");
      this.add(created.id, created.title);
      this.details.open = false;
      for (const sel of ["#np-title", "#np-statement"]) this.details.querySelector(sel).value = "";
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        this.showFieldErrors(error.body.fields || {}, fromSave ? summary : error.body.detail || summary);
      } else {
        this.onError(error);
      }
      return false;
    }
  }
}
