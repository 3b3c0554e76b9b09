//! Word lists the demo book is made from.

/// Company names are `<prefix><root> <sector> <form>`: 80 x 60 x 40 x 10 = 1,920,000 names.
pub const NAME_PREFIX: [&str; 80] = [
    "Blue", "North", "Silver", "Iron", "Red", "Green", "Bright", "Summit", "Cedar", "Harbor", "Pine", "Stone", "Oak",
    "River", "Lake", "Sun", "Star", "Cloud", "Clear", "True", "Swift", "Gold", "Maple", "Falcon", "Eagle", "Wolf",
    "Fox", "Bear", "Copper", "Granite", "Amber", "Coral", "Crystal", "Delta", "East", "West", "South", "High", "Deep",
    "Far", "Grand", "Hidden", "Lone", "Mid", "New", "Old", "Prime", "Quick", "Royal", "Sky", "Snow", "Storm",
    "Thunder", "Tide", "Vast", "White", "Wild", "Winter", "Zephyr", "Aero", "Alpine", "Arrow", "Aspen", "Birch",
    "Blaze", "Bold", "Canyon", "Crown", "Dawn", "Echo", "Ember", "Frost", "Glen", "Hawk", "Ivy", "Jade", "Kite",
    "Lumen", "Marble", "Nova",
];

pub const NAME_ROOT: [&str; 60] = [
    "wind", "field", "gate", "bridge", "point", "crest", "ridge", "view", "path", "works", "line", "rock", "brook",
    "mark", "wave", "light", "haven", "peak", "forge", "vale", "wood", "stream", "port", "well", "side", "moor",
    "ford", "hill", "land", "shore", "spring", "stone", "top", "way", "bay", "bank", "core", "dale", "fall", "flow",
    "grove", "hurst", "keep", "lane", "leaf", "mill", "mont", "nest", "quay", "reach", "run", "sail", "spire",
    "stead", "tower", "vista", "water", "wick", "yard", "zone",
];

/// `(sector word in the name, industry)`.
pub const SECTORS: [(&str, &str); 40] = [
    ("Logistics", "Transportation & Logistics"),
    ("Freight", "Transportation & Logistics"),
    ("Health", "Healthcare"),
    ("Medical", "Healthcare"),
    ("Clinics", "Healthcare"),
    ("Pharma", "Pharmaceuticals"),
    ("Biotech", "Pharmaceuticals"),
    ("Analytics", "Software"),
    ("Software", "Software"),
    ("Systems", "Software"),
    ("Labs", "Software"),
    ("Networks", "Telecommunications"),
    ("Telecom", "Telecommunications"),
    ("Foods", "Food & Beverage"),
    ("Brewing", "Food & Beverage"),
    ("Energy", "Energy & Utilities"),
    ("Power", "Energy & Utilities"),
    ("Solar", "Energy & Utilities"),
    ("Capital", "Financial Services"),
    ("Bank", "Financial Services"),
    ("Payments", "Financial Services"),
    ("Insurance", "Insurance"),
    ("Assurance", "Insurance"),
    ("Retail", "Retail"),
    ("Outfitters", "Retail"),
    ("Media", "Media & Entertainment"),
    ("Studios", "Media & Entertainment"),
    ("Manufacturing", "Manufacturing"),
    ("Industries", "Manufacturing"),
    ("Robotics", "Manufacturing"),
    ("Motors", "Automotive"),
    ("Mobility", "Automotive"),
    ("Aerospace", "Aerospace & Defense"),
    ("Realty", "Real Estate"),
    ("Properties", "Real Estate"),
    ("Hotels", "Hospitality"),
    ("Travel", "Hospitality"),
    ("Learning", "Education"),
    ("Academy", "Education"),
    ("Consulting", "Professional Services"),
];

/// `(legal form, top-level domain)`.
pub const FORMS: [(&str, &str); 10] = [
    ("", "com"),
    ("Inc.", "com"),
    ("Group", "com"),
    ("Ltd", "co.uk"),
    ("GmbH", "de"),
    ("S.p.A.", "it"),
    ("Co.", "com"),
    ("Holdings", "com"),
    ("S.A.", "es"),
    ("LLC", "io"),
];

/// `(time zone, phone prefix)`: where an account's head office sits.
pub const REGIONS: [(&str, &str, u32); 14] = [
    ("America/New_York", "+1 212", 18),
    ("America/Chicago", "+1 312", 12),
    ("America/Denver", "+1 303", 6),
    ("America/Los_Angeles", "+1 415", 14),
    ("America/Toronto", "+1 416", 5),
    ("America/Sao_Paulo", "+55 11", 3),
    ("Europe/London", "+44 20", 10),
    ("Europe/Berlin", "+49 30", 7),
    ("Europe/Warsaw", "+48 22", 5),
    ("Europe/Rome", "+39 02", 4),
    ("Europe/Madrid", "+34 91", 4),
    ("Europe/Paris", "+33 1", 5),
    ("Asia/Singapore", "+65 6", 4),
    ("Australia/Sydney", "+61 2", 3),
];

pub const OWNERS: [&str; 5] = ["Alex Morgan", "Alex Morgan", "Alex Morgan", "Priya Raman", "Jordan Lee"];

pub const TAGS: [&str; 12] = [
    "strategic", "expansion", "at-risk", "reference", "beta-program", "exec-sponsor", "multi-year", "partner-sourced",
    "fy-target", "logo", "public-sector", "emea-hq",
];

pub const COMPETITORS: [&str; 12] = [
    "Salesforce", "HubSpot", "Snowflake", "Databricks", "Datadog", "Splunk", "Palo Alto Networks", "CrowdStrike",
    "Tableau", "Looker", "Informatica", "Zendesk",
];

pub const FIRST_NAMES: [&str; 96] = [
    "Dana", "Michael", "Sarah", "James", "Emily", "David", "Olivia", "Daniel", "Sophia", "Matthew", "Ava", "Andrew",
    "Isabella", "Joshua", "Mia", "Christopher", "Charlotte", "Ryan", "Amelia", "Nathan", "Harper", "Kevin", "Evelyn",
    "Brian", "Abigail", "Eric", "Ella", "Jason", "Grace", "Justin", "Chloe", "Aaron", "Zoë", "Tyler", "Lily",
    "Brandon", "Hannah", "Marcus", "Nora", "Adrian", "Leah", "Samuel", "Ruth", "Victor", "Clara", "Oscar", "Ingrid",
    "Lars", "Freya", "Matteo", "Giulia", "Lorenzo", "Chiara", "Łukasz", "Agnieszka", "Tomasz", "Małgorzata",
    "Piotr", "Katarzyna", "José", "María", "Javier", "Lucía", "Carlos", "Sofía", "Pierre", "Camille", "Julien",
    "Amélie", "Hiroshi", "Yuki", "Kenji", "Aiko", "Wei", "Mei", "Arjun", "Priya", "Rahul", "Ananya", "Kwame",
    "Amara", "Tariq", "Leila", "Omar", "Fatima", "Liam", "Siobhán", "Connor", "Aoife", "Mateus", "Beatriz", "Noah",
    "Elena", "Felix", "Greta", "Hugo",
];

pub const LAST_NAMES: [&str; 96] = [
    "Whitfield", "Chen", "Okafor", "Kowalski", "Nowak", "Rossi", "García", "Müller", "Smith", "Johnson", "Williams",
    "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson",
    "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips",
    "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan",
    "Cooper", "Peterson", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood",
    "Watson", "Brooks", "Bennett", "Gray", "Hughes", "Price", "Sanders", "Patel", "Shah", "Nakamura", "Tanaka",
    "Sato", "Kim", "Park", "Wójcik", "Lewandowski", "Bianchi", "Romano", "Fernández", "López", "Dubois",
    "Lefèvre", "Schmidt", "Schneider", "Fischer", "Larsen", "Johansson", "O'Brien", "Byrne", "Silva",
];

/// Titles by level in the org chart: 0 is the top of the account's buying group.
pub const TITLES: [&[&str]; 3] = [
    &[
        "Chief Financial Officer", "Chief Information Officer", "Chief Technology Officer", "Chief Operating Officer",
        "VP Finance", "VP Engineering", "VP Operations", "Chief Information Security Officer", "Chief Data Officer",
    ],
    &[
        "Director of IT", "Head of Data", "Director of Procurement", "Director of Security", "Head of Analytics",
        "Engineering Manager", "Director of Finance Systems", "Head of Platform", "Director of Customer Operations",
    ],
    &[
        "Senior Data Engineer", "Procurement Specialist", "Security Analyst", "IT Manager", "Data Analyst",
        "Solutions Architect", "Business Analyst", "Platform Engineer", "Finance Systems Analyst", "Product Owner",
        "Legal Counsel", "Vendor Manager",
    ],
];

/// Codenames AEs give to deals and rollouts: rare words for search.
pub const CODE_ADJ: [&str; 40] = [
    "Amber", "Arctic", "Azure", "Brisk", "Cobalt", "Crimson", "Dusky", "Emerald", "Fierce", "Gentle", "Gilded",
    "Hollow", "Indigo", "Jolly", "Keen", "Lunar", "Misty", "Nimble", "Onyx", "Opal", "Pale", "Quiet", "Rapid",
    "Rustic", "Saffron", "Scarlet", "Silent", "Solar", "Tawny", "Twilight", "Umber", "Velvet", "Vivid", "Wandering",
    "Wistful", "Woven", "Xenial", "Young", "Zealous", "Zinc",
];

pub const CODE_ANIMAL: [&str; 60] = [
    "Kestrel", "Quokka", "Narwhal", "Ocelot", "Pangolin", "Axolotl", "Ibex", "Marmot", "Heron", "Lynx", "Tapir",
    "Wombat", "Okapi", "Caracal", "Dingo", "Gecko", "Jackal", "Koala", "Lemur", "Mongoose", "Newt", "Osprey",
    "Puffin", "Quail", "Raven", "Serval", "Toucan", "Urchin", "Vole", "Walrus", "Yak", "Zebu", "Albatross",
    "Bison", "Cormorant", "Dormouse", "Egret", "Ferret", "Gazelle", "Hyena", "Impala", "Jaguar", "Kudu", "Loris",
    "Manatee", "Nighthawk", "Orca", "Pelican", "Quetzal", "Roadrunner", "Stingray", "Tamarin", "Uakari", "Vicuna",
    "Wallaby", "Xerus", "Yellowhammer", "Zorilla", "Meerkat", "Chinchilla",
];

pub const SYSTEMS: [&str; 16] = [
    "Workday", "NetSuite", "ServiceNow", "Okta", "SAP S/4HANA", "Marketo", "Jira", "Slack", "Microsoft Teams",
    "Azure AD", "Snowflake", "BigQuery", "Redshift", "Kafka", "dbt", "Power BI",
];

pub const WEEKDAYS: [&str; 5] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

pub const CITIES: [&str; 16] = [
    "Chicago", "Boston", "Austin", "Denver", "Seattle", "Toronto", "London", "Berlin", "Warsaw", "Milan", "Madrid",
    "Paris", "Singapore", "Sydney", "Dublin", "Amsterdam",
];

pub const HOBBIES: [&str; 24] = [
    "runs marathons (training for Chicago)", "sails on weekends", "coaches their daughter's soccer team",
    "is a serious home cook (loves Sichuan food)", "collects vinyl, mostly jazz", "plays padel twice a week",
    "restores old motorcycles", "is learning Italian", "climbs (bouldering gym near the office)",
    "grows tomatoes and talks about it a lot", "is a big Formula 1 fan", "plays chess online every evening",
    "does triathlons", "reads history, currently on the Romans", "photographs birds",
    "skis every winter in the Dolomites", "brews their own beer", "volunteers at a food bank",
    "follows the Premier League (Arsenal)", "plays cello in a community orchestra", "does woodworking",
    "hikes with their dog, a border collie named Biscuit", "is into specialty coffee (pour-over only)",
    "golfs; handicap around 12",
];

pub const FAMILY: [&str; 12] = [
    "Married, two kids (8 and 5).", "Has a newborn; expect slower email replies.", "Partner is a surgeon.",
    "Three kids, the eldest just started college.", "Recently moved from {city} with their family.",
    "Twins starting school this fall.", "Cares for an elderly parent; flexible hours matter.",
    "Just got married in {city}.", "Son plays ice hockey; weekend tournaments.", "Daughter is applying to colleges.",
    "Single, travels a lot for fun.", "Expecting their first child in the spring.",
];

pub const GIFTS: [(&str, i64, i64); 10] = [
    ("Bottle of wine after the signature", 4_000, 9_000),
    ("Book: The Challenger Sale", 2_000, 3_500),
    ("Coffee subscription", 3_000, 6_000),
    ("Branded hoodie and notebook", 2_500, 5_000),
    ("Tickets to a basketball game", 8_000, 15_000),
    ("Holiday gift basket", 6_000, 11_000),
    ("Flowers for the new baby", 5_000, 9_500),
    ("Concert tickets", 9_000, 14_000),
    ("Cooking class voucher", 7_500, 12_500),
    ("Noise-cancelling earbuds", 9_000, 10_500),
];

pub const ENTERTAINMENT: [(&str, i64, i64); 4] = [
    ("Dinner after the QBR", 12_000, 40_000),
    ("Team lunch at the office", 8_000, 25_000),
    ("Golf outing with the buying group", 20_000, 60_000),
    ("Drinks at the user conference", 5_000, 15_000),
];

/// Folds the letters used in the name lists to ASCII, for email addresses.
pub fn ascii(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            Some(match c {
                'ł' | 'Ł' => 'l',
                'ó' | 'ö' | 'ø' | 'Ó' => 'o',
                'é' | 'è' | 'ë' | 'ę' | 'É' => 'e',
                'í' | 'ï' => 'i',
                'á' | 'ä' | 'å' | 'ą' => 'a',
                'ñ' | 'ń' => 'n',
                'ü' | 'ú' => 'u',
                'ś' | 'Ś' => 's',
                'ż' | 'ź' | 'Ż' => 'z',
                'ć' | 'ç' => 'c',
                '\'' | ' ' => return None,
                c => c.to_ascii_lowercase(),
            })
        })
        .collect()
}
