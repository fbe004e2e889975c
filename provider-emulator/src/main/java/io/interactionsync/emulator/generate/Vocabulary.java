package io.interactionsync.emulator.generate;

import java.util.List;

/** Word lists for generated data. Fictional companies use reserved {@code .example} domains. */
final class Vocabulary {

    private Vocabulary() {
    }

    static final List<String> FIRST_NAMES = List.of("Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace",
            "Henry", "Isabel", "James", "Karen", "Liam", "Maria", "Noah", "Olivia", "Peter", "Quinn", "Rachel",
            "Samuel", "Tara", "Umar", "Victoria", "William", "Xenia", "Yusuf", "Zoe", "Aisha", "Ben", "Chloe",
            "Daniel", "Elena", "Felix", "Hannah", "Ivan", "Julia", "Kenji", "Laura", "Mateo", "Nina", "Oscar",
            "Priya", "Ravi", "Sofia", "Thomas", "Uma", "Viktor", "Wei", "Yara");
    static final List<String> LAST_NAMES = List.of("Anderson", "Brown", "Chen", "Davis", "Evans", "Fischer",
            "Garcia", "Harris", "Ito", "Johnson", "Kim", "Lopez", "Miller", "Nguyen", "O'Brien", "Patel", "Quinn",
            "Rossi", "Smith", "Taylor", "Ueda", "Varga", "Walker", "Xu", "Young", "Zimmermann", "Adams", "Baker",
            "Clark", "Dubois", "Edwards", "Fernandez", "Gupta", "Hughes", "Jensen", "Kowalski", "Larsen", "Moreau",
            "Novak", "Olsen", "Petrov", "Reyes", "Schmidt", "Tanaka", "Volkov", "Weber");
    /** Names that need RFC 2047 encoding. */
    static final List<String> INTERNATIONAL_NAMES = List.of("José Álvarez", "Zoë Müller", "Łukasz Wójcik",
            "Renée Lefèvre", "Søren Kierkegård", "Ana Conceição", "Björn Ångström", "田中 太郎", "Дмитрий Иванов",
            "François Gérard", "Çağla Yılmaz", "Nguyễn Văn An", "김민준", "Ólafur Þórsson");
    static final List<String> COMPANIES = List.of("globex", "initech", "umbrella-labs", "hooli", "piedpiper",
            "vandelay", "wonka-industries", "stark-ventures", "wayne-capital", "soylent", "cyberdyne", "tyrell",
            "massive-dynamic", "aperture-science", "oscorp", "acme-robotics", "northwind", "contoso-partners");
    static final List<String> PERSONAL_DOMAINS = List.of("gmail.com", "gmail.com", "gmail.com", "outlook.com",
            "yahoo.com", "icloud.com", "proton.me");
    static final List<String> TEAM_ZONES = List.of("America/New_York", "Europe/London", "America/Los_Angeles",
            "Europe/Berlin", "America/Chicago");
    static final List<String> CONTACT_ZONES = List.of("America/New_York", "America/Los_Angeles", "Europe/London",
            "Europe/Paris", "Europe/Berlin", "Asia/Tokyo", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney",
            "America/Sao_Paulo", "Africa/Lagos", "Asia/Kathmandu", "America/St_Johns", "Pacific/Auckland", "UTC");
    static final List<String> TOPICS = List.of("Series A term sheet", "diligence request list", "Q3 board deck",
            "intro to the founders", "follow-up from our call", "LP update", "portfolio review", "hiring plan",
            "pricing proposal", "partnership agreement", "coffee next week?", "pitch deck feedback",
            "data room access", "reference calls", "cap table questions", "quarterly numbers", "offsite agenda",
            "conference panel", "investment memo", "customer references", "product demo", "NDA", "SAFE conversion",
            "market map", "budget approval", "Résumé — senior engineer", "contract renewal", "Zürich trip");
    static final List<String> INTERNAL_TOPICS = List.of("IC meeting notes", "pipeline review", "deal flow this week",
            "who knows someone at", "travel plans", "team lunch", "expense reports", "quarterly planning",
            "CRM cleanup", "new fund admin", "holiday schedule", "recruiting update");
    static final List<String> SNIPPETS = List.of("Thanks for the quick turnaround, see my comments inline",
            "Happy to set up a call next week, does Tuesday work", "Attached is the latest version",
            "Looping in my colleague who owns this on our side", "Following up on the below",
            "Great to meet you yesterday", "Could you send over the updated numbers", "Sounds good, let's do it",
            "Apologies for the delay", "Quick question about the timeline");

    /** [display name, address local part, host, list id, kind] of automated senders. */
    static final List<String[]> NEWSLETTERS = List.of(
            new String[] {"SaaS Weekly", "newsletter", "mail.saasweekly.example", "weekly.saasweekly.example"},
            new String[] {"The Term Sheet", "news", "email.termsheet.example", "termsheet.list.termsheet.example"},
            new String[] {"VC Digest", "digest", "updates.vcdigest.example", "digest.vcdigest.example"},
            new String[] {"Founders Brief", "hello", "news.foundersbrief.example", "brief.foundersbrief.example"},
            new String[] {"Market Pulse", "no-reply", "mp.marketpulse.example", "daily.marketpulse.example"});
    static final List<String[]> NOTIFIERS = List.of(
            new String[] {"DocuSign", "dse_na2", "docusign.example", "Please DocuSign: "},
            new String[] {"Google Calendar", "calendar-notification", "google.com", "Invitation: "},
            new String[] {"Carta", "noreply", "carta.example", "Action required: "},
            new String[] {"Zoom", "no-reply", "zoom.example", "Cloud recording available: "},
            new String[] {"Expensify", "concierge", "expensify.example", "Expense report approved: "},
            new String[] {"GitHub", "notifications", "github.example", "[acme/app] "});
    static final List<String[]> LISTS = List.of(
            new String[] {"Angel Investors Forum", "angels", "groups.angelforum.example", "angels.groups.angelforum.example"},
            new String[] {"Climate Tech Founders", "climate-founders", "lists.climatetech.example", "founders.lists.climatetech.example"});
}
