// Linked proposals in the composer: chips, type-ahead search, inline creation.
import { api } from "./reader-api.js";

export class ProposalPicker {
  constructor({ list, input, results, details, strings, onError }) {
    this.list = list;
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
      data = await api("GET", `/api/proposals/?search=${encodeURIComponent(words)}&page_size=8`);
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
      const year = candidacy.election ? String(candidacy.election.date || "").slice(0, 4) : "";
      meta.textContent = [candidate, year, proposal.primary_theme].filter(Boolean).join(" · ");
      li.append(title, meta);
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        this.add(proposal.id, proposal.title);
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
      const proposal = options[this.active]._proposal;
      this.add(proposal.id, proposal.title);
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
      fill(this.details.querySelector("#np-candidacy"), candidacies, candidacyLabel, (c) => String(c.id), this.strings.moreCandidacies);
      fill(this.details.querySelector("#np-theme"), themes, themeLabel, (th) => th.code, this.strings.chooseTheme);
      fill(this.details.querySelector("#np-secondary"), themes, themeLabel, (th) => th.code);
    } catch (error) {
      this.choicesLoaded = false;
      this.onError(error);
    }
  }

  async createInline() {
    const value = (sel) => this.details.querySelector(sel).value.trim();
    const body = {
      title: value("#np-title"),
      statement: value("#np-statement"),
      candidacy: Number(value("#np-candidacy")) || null,
      primary_theme: value("#np-theme"),
      secondary_themes: Array.from(this.details.querySelector("#np-secondary").selectedOptions).map((o) => o.value),
    };
    if (!body.title || !body.statement || !body.candidacy || !body.primary_theme) {
      return this.onError(new Error(this.strings.newProposalMissing));
    }
    try {
      const created = await api("POST", "/api/proposals/", { body });
      this.add(created.id, created.title);
      this.details.open = false;
      for (const sel of ["#np-title", "#np-statement"]) this.details.querySelector(sel).value = "";
    } catch (error) {
      this.onError(error);
    }
  }
}
