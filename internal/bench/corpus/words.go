package corpus

// The vocabulary of the generated prose: enough variety that a search index
// sees a realistic spread of terms, legal enough to read like the real thing.
var (
	nouns = []string{
		"authorisation", "provider", "client", "competent authority", "service", "exemption",
		"initiative", "solicitation", "firm", "member state", "regulation", "guideline",
		"procedure", "notification", "application", "undertaking", "entity", "branch",
		"marketing", "communication", "promotion", "record", "evidence", "contract",
		"obligation", "requirement", "supervisor", "register", "licence", "passport",
		"transition", "deadline", "assessment", "decision", "suspension", "penalty",
		"investor", "custody", "transfer", "platform", "token", "wallet", "exchange",
		"advice", "portfolio", "order", "execution", "placement", "reception", "disclosure",
		"complaint", "conflict", "outsourcing", "governance", "director", "shareholder",
		"capital", "reserve", "audit", "report", "website", "campaign", "sponsorship",
		"affiliate", "influencer", "webinar", "newsletter", "brand", "language", "domain",
	}
	verbs = []string{
		"requires", "permits", "prohibits", "implies", "establishes", "limits", "extends",
		"excludes", "presumes", "qualifies", "governs", "applies to", "derogates from",
		"supplements", "replaces", "confirms", "restricts", "authorises", "obliges", "covers",
		"defines", "assesses", "documents", "evidences", "triggers", "precludes", "supports",
	}
	adjectives = []string{
		"exclusive", "own", "prior", "competent", "third-country", "authorised", "relevant",
		"applicable", "national", "cross-border", "material", "reasonable", "specific",
		"general", "transitional", "permanent", "temporary", "equivalent", "separate",
		"written", "documented", "unsolicited", "targeted", "indirect", "direct", "initial",
		"subsequent", "same", "new", "comparable", "effective", "adequate", "proportionate",
	}
	connectives = []string{
		"of the", "under the", "for the", "with the", "by the", "to the", "in respect of the",
		"subject to the", "without prejudice to the", "in accordance with the", "on behalf of the",
	}
	tagWords = []string{
		"authorisation", "reverse-solicitation", "third-country-firms", "marketing", "supervision",
		"transitional-period", "custody", "transfers", "governance", "disclosure", "enforcement",
		"penalties", "passporting", "outsourcing", "complaints", "conflicts", "capital",
		"record-keeping", "websites", "sponsorship", "influencers", "education", "b2b",
		"group-entities", "payment-partners", "time-limits", "notification", "close-links",
		"same-type", "new-types", "geo-blocking", "language", "disclaimers", "evidence",
		"national-authorities", "esma", "q-and-a", "statements", "case-law", "practice",
	}
)
