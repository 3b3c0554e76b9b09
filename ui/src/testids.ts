// The stable hooks the end-to-end suite (tests/ at the top level, owned by "shell") relies on.
// Changing a value here breaks those tests: add new ones, do not rename.
//
// Every element below carries `data-testid="<value>"`. Routes are hash routes: the app's URL
// is `index.html#/accounts/<id>`; navigate with `location.hash = route.account(id)`.

export const routes = {
  today: '/today',
  accounts: '/accounts',
  account: (id: string, tab: AccountTab = 'overview') => `/accounts/${id}${tab === 'overview' ? '' : `/${tab}`}`,
  meeting: (id: string) => `/meetings/${id}`,
  pipeline: '/pipeline',
  renewals: '/renewals',
  whitespace: '/whitespace',
  objections: '/objections',
  gifts: '/gifts',
  search: (q = '') => (q ? `/search?q=${encodeURIComponent(q)}` : '/search'),
  trash: '/trash',
  sync: '/sync',
  settings: '/settings',
} as const;

export type AccountTab = 'overview' | 'people' | 'timeline' | 'opportunities' | 'products' | 'contracts' | 'gifts' | 'tasks';

export const tid = {
  // frame
  app: 'app',                              // root; data-ready="true" once mounted (Today then calls ui_ready)
  nav: (screen: string) => `nav-${screen}`, // sidebar links: nav-today, nav-accounts, nav-pipeline, ...
  screenTitle: 'screen-title',              // <h1> of the current screen (its text is translated)
  syncStatus: 'sync-status',                // the status strip, in words; data-state = SyncStatus.state
  palette: 'palette',                       // Cmd/Ctrl-K dialog
  paletteInput: 'palette-input',
  paletteOpen: 'palette-open',              // the top bar's button that opens the palette
  paletteItem: (id: string) => `palette-item-${id}`,
  busy: 'busy',                             // progress indicator, present while a call takes > 0.5 s
  toast: 'toast',                           // transient confirmations and errors
  fieldError: (field: string) => `error-${field}`, // inline error next to a form field

  // accounts
  accountsNew: 'accounts-new',              // button: opens the new-account form
  accountForm: 'account-form',
  accountName: 'account-name',              // inputs of the account form
  accountTier: 'account-tier',
  accountLifecycle: 'account-lifecycle',
  accountSave: 'account-save',
  accountsSearch: 'accounts-search',
  accountRow: (id: string) => `account-row-${id}`, // rows also carry data-name="<account name>"
  accountRows: 'account-rows',              // the virtualised list container
  accountHeader: 'account-header',          // on the account screen; contains the name
  accountHealth: 'account-health',
  accountTab: (tab: AccountTab) => `account-tab-${tab}`,

  // people (stakeholders)
  contactNew: 'contact-new',
  contactFirstName: 'contact-first-name',
  contactLastName: 'contact-last-name',
  contactTitle: 'contact-title',
  contactRole: 'contact-role',              // <select> with BuyingRole values (economic_buyer, champion, ...)
  contactReportsTo: 'contact-reports-to',
  contactSave: 'contact-save',
  contactRow: (id: string) => `contact-row-${id}`, // rows carry data-role="<buying role>"
  contactForm: 'contact-form',              // the create/edit form (Ctrl/Cmd-Enter saves, Esc cancels)
  contactEmail: 'contact-email',
  contactPhone: 'contact-phone',
  contactLinkedin: 'contact-linkedin',
  contactPref: 'contact-pref',
  contactBirthday: 'contact-birthday',
  contactNotes: 'contact-notes',
  contactEdit: (id: string) => `contact-edit-${id}`,
  contactTrash: (id: string) => `contact-trash-${id}`,  // asks first: contact-trash-confirm / contact-trash-yes
  orgChart: 'org-chart',
  orgNode: (id: string) => `org-node-${id}`, // <li> per person, nested under their manager; data-role

  // timeline / notes
  noteTitle: 'note-title',
  noteBody: 'note-body',                    // Markdown textarea; Cmd/Ctrl-Enter saves
  noteSave: 'note-save',
  noteItem: (id: string) => `note-${id}`,

  // search
  searchInput: 'search-input',
  searchHit: (id: string) => `search-hit-${id}`,   // hits carry data-kind="note" | "account" | ...
  searchHits: 'search-hits',

  // meetings
  meetingNew: 'meeting-new',                // on the account screen's overview
  meetingTitle: 'meeting-title',
  meetingStart: 'meeting-start',            // <input type="datetime-local">
  meetingDuration: 'meeting-duration',      // minutes
  meetingLink: 'meeting-link',
  meetingSave: 'meeting-save',
  meetingPrepare: (id: string) => `meeting-prepare-${id}`, // "Prepare" buttons (Today, account)
  brief: 'brief',                           // the meeting-prep page
  briefJoin: 'brief-join',
  briefCopy: 'brief-copy',
  briefPrint: 'brief-print',
  wrapUpBody: 'wrapup-body',
  wrapUpStep: (i: number) => `wrapup-step-${i}`,
  wrapUpAddStep: 'wrapup-add-step',
  wrapUpSave: 'wrapup-save',

  // gifts
  giftNew: 'gift-new',
  giftFindPerson: 'gift-find-person',       // on the Gifts screen: narrows the recipient list by last name
  giftRecipient: 'gift-recipient',          // <select> of contacts
  giftDescription: 'gift-description',
  giftValue: 'gift-value',                  // in major units (e.g. 150.00)
  giftDate: 'gift-date',
  giftKind: 'gift-kind',
  giftSave: 'gift-save',
  giftOverCapWarning: 'gift-over-cap-warning', // shown before saving a gift that goes over the cap
  giftConfirm: 'gift-confirm',              // "Log it anyway" in that warning
  giftTotalRow: (recipientId: string) => `gift-total-${recipientId}`, // rows carry data-over-cap="true|false"

  // pipeline
  pipelineColumn: (stage: string) => `stage-${stage}`, // columns carry data-stage="<stage name>"
  oppCard: (id: string) => `opp-${id}`,     // cards carry data-stage; focus + Shift-Left/Right moves
  oppMoveLeft: (id: string) => `opp-left-${id}`,
  oppMoveRight: (id: string) => `opp-right-${id}`,
  kindFilter: (kind: string) => `kind-${kind}`,
  pipelineNew: 'pipeline-new',              // on the Pipeline; opp-new on an account's Opportunities
  oppNew: 'opp-new',
  oppForm: 'opp-form',
  oppName: 'opp-name',
  oppAccount: 'opp-account',                // <select> of matches; opp-account-search narrows it
  oppKind: 'opp-kind',
  oppAmount: 'opp-amount',
  oppStage: 'opp-stage',
  oppLostReason: 'opp-lost-reason',         // shown when the stage is a lost one
  oppNextStep: 'opp-next-step',
  oppSave: 'opp-save',
  oppEdit: (id: string) => `opp-edit-${id}`,
  oppTrash: 'opp-trash',

  // objections
  objectionNew: 'objection-new',
  objectionForm: 'objection-form',
  objectionStatement: 'objection-statement',
  objectionCategory: 'objection-category',
  objectionAccount: 'objection-account',    // objection-account-search narrows it
  objectionResponse: 'objection-response',
  objectionSave: 'objection-save',
  objectionCard: (id: string) => `objection-${id}`,
  objectionEdit: (id: string) => `objection-edit-${id}`,

  // accounts list
  accountsHealth: 'accounts-health',        // <select>: '', good, attention, risk

  // settings
  settingsLanguage: 'settings-language',    // <select> with en, es, pl, it; applies at once
  settingsSave: 'settings-save',
  syncSignIn: 'sync-sign-in',
  syncSignOut: 'sync-sign-out',
} as const;
