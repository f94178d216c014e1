// What the rules allow this member to do now: the pages offer a button only when it is so.
//
// The table comes from the server in the page's boot data (`offers`: command type -> the phases
// in which this member may send it; rooms/offers.py, docs/protocol.md section 6 "What may be
// sent when"), and the phase is derived from the state the page folds, exactly as
// rooms.offers.phase derives it. So a closed meeting offers no vote and no conflict of interest,
// without the page keeping rules of its own. Refusals about what the user chose (no quorum,
// say) still come from the command.

const script = document.getElementById("emeeting-boot");
const table = (script && JSON.parse(script.textContent).offers) || null;

/** scheduled | open | closed | circulated | adopted | cancelled (rooms/offers.py Phase). */
export function phase(s) {
  if (s.minutes && s.minutes.status === "adopted") return "adopted";
  if (s.status !== "closed") return s.status;
  return s.minutes && s.minutes.status === "circulated" ? "circulated" : "closed";
}

/** Whether this member may send a command of type `kind` in state `s` (false before a state). */
export function can(s, kind) {
  if (!s || !table) return false;
  const phases = table[kind];
  return !!phases && phases.includes(phase(s));
}
