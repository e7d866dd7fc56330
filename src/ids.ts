/** Every id the extension contributes, declared once. A unit test checks package.json against these both ways. */

export const EXTENSION_ID = 'openrouter-video.openrouter-video';

export const Commands = {
  generate: 'openrouterVideo.generate',
  generateFromSelection: 'openrouterVideo.generateFromSelection',
  setApiKey: 'openrouterVideo.setApiKey',
  clearApiKey: 'openrouterVideo.clearApiKey',
  modelsRefresh: 'openrouterVideo.models.refresh',
  modelsGenerateWith: 'openrouterVideo.models.generateWith',
  jobsRefresh: 'openrouterVideo.jobs.refresh',
  jobsOpen: 'openrouterVideo.jobs.open',
  jobsReveal: 'openrouterVideo.jobs.reveal',
  jobsDownload: 'openrouterVideo.jobs.download',
  jobsRerun: 'openrouterVideo.jobs.rerun',
  jobsCopyId: 'openrouterVideo.jobs.copyId',
  jobsWatch: 'openrouterVideo.jobs.watch',
  jobsStopWatching: 'openrouterVideo.jobs.stopWatching',
  jobsRemove: 'openrouterVideo.jobs.remove',
  jobsRecover: 'openrouterVideo.jobs.recover',
  jobsExtend: 'openrouterVideo.jobs.extend',
  showLog: 'openrouterVideo.showLog',
  generateFromFile: 'openrouterVideo.generateFromFile',
  newPromptFile: 'openrouterVideo.newPromptFile',
  jobsShow: 'openrouterVideo.jobs.show',
  jobsOpenPromptFile: 'openrouterVideo.jobs.openPromptFile',
  showSpending: 'openrouterVideo.showSpending',
  galleryShow: 'openrouterVideo.gallery.show',
  galleryRefresh: 'openrouterVideo.gallery.refresh',
  animateImage: 'openrouterVideo.animateImage',
  useAsLastFrame: 'openrouterVideo.useAsLastFrame',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'openrouterVideo',
  jobs: 'openrouterVideo.jobs',
  models: 'openrouterVideo.models',
  gallery: 'openrouterVideo.gallery',
} as const;

/** Custom editors. */
export const Editors = {
  player: 'openrouterVideo.player',
  savedVideo: 'openrouterVideo.savedVideo',
} as const;

export const ContextKeys = {
  signedIn: 'openrouterVideo.signedIn',
  hasJobs: 'openrouterVideo.hasJobs',
  activeJobs: 'openrouterVideo.activeJobs',
} as const;

export const Settings = {
  section: 'openrouterVideo',
  apiBaseUrl: 'apiBaseUrl',
  defaultModel: 'defaultModel',
  outputDirectory: 'outputDirectory',
  pollIntervalSeconds: 'pollIntervalSeconds',
  confirmAboveUsd: 'confirmAboveUsd',
  budgetDailyUsd: 'budget.dailyUsd',
  budgetMonthlyUsd: 'budget.monthlyUsd',
  writeSidecar: 'writeSidecar',
  keepFinishedJobs: 'keepFinishedJobs',
  agentToolsEnabled: 'agentTools.enabled',
  maxVideoSizeMiB: 'maxVideoSizeMiB',
} as const;

/** Language model tools (`contributes.languageModelTools`), offered to chat agents. */
export const Tools = {
  listModels: 'openrouterVideo_listModels',
  generate: 'openrouterVideo_generate',
  getJob: 'openrouterVideo_getJob',
} as const;

export const Secrets = {
  apiKey: 'openrouterVideo.apiKey',
} as const;

export const StateKeys = {
  lastModel: 'openrouterVideo.lastModel',
  /** The Generate Video flow's draft (workspace state). */
  generateDraft: 'openrouterVideo.generateDraft',
  /** The prompts submitted from Generate Video, newest first (global state). */
  promptHistory: 'openrouterVideo.promptHistory',
} as const;
