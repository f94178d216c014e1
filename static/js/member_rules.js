// The member list's events of docs/protocol.md section 8 (member_added, member_changed,
// member_removed), mirrored exactly from rooms/members.py. The quorum's "required" follows the
// number of voting members, as the server's snapshot computes it. No I/O here.

export const MEMBER_EVENTS = ["member_added", "member_changed", "member_removed"];

/** The quorum rule's required count for `voting` voting members (rooms/model.py Quorum.required). */
export function required(quorum, voting) {
  if (quorum.count !== null && quorum.count !== undefined) return quorum.count;
  return Math.max(1, Math.ceil((voting * quorum.num) / quorum.den));
}

/** Apply one member event to `state` in place. */
export function applyMemberEvent(state, event) {
  switch (event.type) {
    case "member_added":
      state.members.push(event.member);
      state.attendance.push({
        member: event.member.id, status: "expected", arrived_at: null, departed_at: null,
        reason: "", substitute: null, confirmed: false,
      });
      break;
    case "member_changed":
      state.members = state.members.map((m) => (m.id === event.member.id ? event.member : m));
      if (state.status === "closed" && state.minutes) state.minutes.signatures = [];
      break;
    case "member_removed":
      state.members = state.members.filter((m) => m.id !== event.member);
      state.attendance = state.attendance.filter((a) => a.member !== event.member);
      state.conflicts = state.conflicts.filter((c) => c.member !== event.member);
      break;
    default:
      return false;
  }
  if (state.quorum) state.quorum.required = required(state.quorum, state.members.filter((m) => m.voting).length);
  return true;
}
