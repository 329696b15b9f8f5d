"""Demo data: The call for proposals: proposals in every state, reviews, decisions."""

from __future__ import annotations

import datetime as dt
import random

from conference.demo.people import (
    DEMO_PASSWORD,
    FIRST_NAMES,
    LAST_NAMES,
    ORGANIZATIONS,
    en_pl,
)
from conference.extensions import db
from conference.models import DecisionKind, Event, Role, SessionType, Track, User

CFP_SUBJECTS = [
    "single-cell atlases of the ageing human liver", "CAR-T manufacturing in academic hospitals",
    "organ-on-chip models of the blood-brain barrier", "AI-assisted histopathology triage",
    "mRNA vaccines beyond infectious disease", "antimicrobial peptides against ESKAPE pathogens",
    "spatial transcriptomics of the tumour microenvironment", "bioprinted cartilage implants",
    "federated learning on hospital EHR data", "CRISPR base editing for rare diseases",
    "microbiome signatures of inflammatory bowel disease", "wearable ECG for atrial fibrillation",
    "cryo-EM structures of membrane transporters", "biosimilar monoclonal antibodies",
    "digital twins of the cardiovascular system", "phage therapy in clinical practice",
    "nanoparticle delivery across the placenta", "protein design with diffusion models",
]
CFP_FORMS = [
    "Lessons from {s}", "Scaling {s}: from bench to GMP", "{s}: a Kraków case study",
    "What regulators expect of {s}", "Open data for {s}", "Hands-on introduction to {s}",
    "Spin-off stories: commercialising {s}", "Pitfalls and promise of {s}",
]
CFP_STATES_PER_KIND = 15


def _demo_proposals(event: Event, rng: random.Random) -> str:
    """CFP settings and criteria, reviewers, proposals in every state, invited speakers."""
    from conference.models.types import utcnow
    from conference.services.cfp import decisions, reviews
    from conference.services.cfp import proposals as cfp
    from conference.services.cfp import settings as cfp_settings

    now = utcnow()
    tracks = list(db.session.execute(db.select(Track).filter_by(event_id=event.id)).scalars())
    if not tracks:
        tracks = [Track(event_id=event.id, name=name, colour=colour) for name, colour in (
            ("Biotech & pharma", "#1b7f5c"), ("Medtech", "#2b5fad"),
            ("Digital health", "#8a3ea8"))]
        db.session.add_all(tracks)
        db.session.flush()
    cfp_settings.save_cfp_settings(
        event, opens_at=now - dt.timedelta(days=45), closes_at=now + dt.timedelta(days=7),
        session_types={SessionType.TALK: 20, SessionType.PANEL: 45, SessionType.WORKSHOP: 90,
                       SessionType.POSTER: 10},
        track_ids=[t.id for t in tracks],
        guidelines=en_pl(
            "We welcome talks, panels, workshops and posters on **biotech, medtech and digital "
            "health**, from research to business.\n\n- Abstract: up to 300 words\n"
            "- Talks are 20 minutes including questions\n- Decisions two weeks after the deadline",
            "Zapraszamy do zgłaszania prezentacji, paneli, warsztatów i plakatów o "
            "**biotechnologii, technice medycznej i cyfrowym zdrowiu**, od badań po biznes."
            "\n\n- Streszczenie: do 300 słów\n- Prezentacja trwa 20 minut razem z pytaniami\n"
            "- Decyzje dwa tygodnie po terminie zgłoszeń"),
    )
    for name, description in (
        (en_pl("Scientific quality", "Jakość naukowa"),
         en_pl("Sound methods, convincing results.", "Rzetelne metody, przekonujące wyniki.")),
        (en_pl("Relevance to the cluster", "Znaczenie dla klastra"),
         en_pl("Useful to the region's companies and labs.",
               "Przydatne dla firm i laboratoriów regionu.")),
        (en_pl("Clarity", "Przejrzystość"),
         en_pl("A clear story for a mixed audience.",
               "Zrozumiały przekaz dla zróżnicowanej publiczności.")),
    ):
        reviews.add_criterion(event, name, description)
    reviewers = [u for u in event.staff if u.role is Role.REVIEWER]
    for email, name in (("reviewer2@lsos.example", "Jonas Schäfer"),
                        ("reviewer3@lsos.example", "Isla MacLeod")):
        user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, name=name, role=Role.REVIEWER)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        user.events.append(event)
        reviewers.append(user)
    db.session.flush()
    # The first reviewer reviews everything; the others one track each.
    reviews.assign_reviewer(event, reviewers[0])
    for index, user in enumerate(reviewers[1:]):
        reviews.assign_reviewer(event, user, tracks[index % len(tracks)])
    criteria = reviews.criteria_of(event)

    titles = [form.format(s=subject) for subject in CFP_SUBJECTS for form in CFP_FORMS]
    rng.shuffle(titles)
    titles = [t[0].upper() + t[1:] for t in titles]
    kinds = ["submitted", "under_review", "accepted", "rejected", "confirmed", "withdrawn"]
    types = [SessionType.TALK] * 6 + [SessionType.WORKSHOP, SessionType.PANEL, SessionType.POSTER]
    counts: dict[str, int] = {}
    for number in range(CFP_STATES_PER_KIND * len(kinds)):
        kind = kinds[number % len(kinds)]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        organization = rng.choice(ORGANIZATIONS)[0]
        session_type = rng.choice(types)
        co = [f"co{number}.{rng.choice(LAST_NAMES).lower()[:3]}@example.org"] if (
            rng.random() < 0.25) else []
        proposal = cfp.submit_proposal(
            event,
            cfp.ProposalFields(
                title=titles[number], session_type=session_type,
                abstract=(f"We present {titles[number].lower()}.\n\n"
                          "- what worked\n- what did not\n- what we would do again\n\n"
                          f"Joint work of *{organization}* and partners."),
                track_id=rng.choice(tracks).id,
                duration_minutes={SessionType.WORKSHOP: 90, SessionType.PANEL: 45,
                                  SessionType.POSTER: 10}.get(session_type, 20),
                language=rng.choice(["en", "en", "en", "pl"]),
                notes="Happy to present on either day." if rng.random() < 0.3 else ""),
            cfp.SpeakerProfile(
                name=f"{first} {last}", email=f"speaker{number}@example.org",
                affiliation=organization,
                biography=f"{first} works at {organization} on translational research.",
                links="https://example.org"),
            co_speaker_emails=co, now=now - dt.timedelta(days=rng.randint(1, 40)),
        )
        if kind != "submitted" and kind != "withdrawn":
            eligible = [u for u in reviewers if reviews.may_review(u, proposal)]
            for user in rng.sample(eligible, rng.randint(1, len(eligible))):
                reviews.submit_review(
                    proposal, user, {c.id: rng.randint(1, 5) for c in criteria},
                    rng.choice(["Strong and relevant.", "Needs a clearer take-home message.",
                                "Great fit for the cluster.", "Methods are thin.", ""]))
        if kind in ("accepted", "confirmed"):
            decisions.decide([proposal], DecisionKind.ACCEPTED)
        elif kind == "rejected":
            decisions.decide([proposal], DecisionKind.REJECTED)
        elif kind == "withdrawn":
            cfp.withdraw_proposal(proposal, now=now)
        if kind == "confirmed":
            decisions.release_decision_emails(event, [proposal])  # told before they confirm
            for link in proposal.speaker_links:
                if not link.speaker.name:  # a co-speaker names themself before confirming
                    cfp.update_speaker_profile(link.speaker, cfp.SpeakerProfile(
                        name=f"{FIRST_NAMES[number % len(FIRST_NAMES)]} "
                             f"{LAST_NAMES[(number * 7) % len(LAST_NAMES)]}",
                        email=link.speaker.email))
                link.confirmed_at = link.confirmed_at or now
            decisions.confirm_participation(proposal)
        counts[kind] = counts.get(kind, 0) + 1
    for name, organization in (("Prof. Sophie Lefèvre", "Institut Pasteur"),
                               ("Dr Callum Fraser", "University of Edinburgh")):
        cfp.add_invited_speaker(event, cfp.SpeakerProfile(
            name=name, email=f"{name.split()[-1].lower()}@invited.example",
            affiliation=organization, biography=f"Keynote speaker from {organization}."))
    db.session.flush()
    return f"{sum(counts.values())} proposals ({CFP_STATES_PER_KIND} per state), 2 invited speakers"
