import path = require('node:path');
import vscode = require('vscode');
import { RateLimitGate } from './core/api/retry';
import { downloadOutput } from './core/download/downloader';
import { FileStorage } from './core/jobs/fileStorage';
import { JobPoller } from './core/jobs/jobPoller';
import { DEFAULT_POLLER_SETTINGS, type JobPollerSettings } from './core/jobs/pollerSettings';
import { JobService } from './core/jobs/jobService';
import { JobStore } from './core/jobs/jobStore';
import { SpendBudget } from './core/money/budget';
import { SpendLedger } from './core/money/ledger';
import { spendEntryOf } from './core/money/spendEntry';
import { SpendRecorder } from './core/money/spendRecorder';
import { systemClock } from './core/shared/clock';
import { isLoopbackHost } from './core/shared/loopback';
import { registerAgentTools } from './host/agentTools/registerAgentTools';
import { ApiProvider } from './host/apiProvider';
import { registerCommands } from './host/commands/commandTable';
import { Credentials } from './host/credentials';
import type { HostContext } from './host/hostContext';
import { JobNotifications } from './host/jobProgress';
import { HostLogger } from './host/log';
import { ModelCatalog } from './host/modelCatalog';
import { GalleryViewProvider } from './host/gallery/galleryProvider';
import { PlayerProvider } from './host/player/playerProvider';
import { PublicApi, type OpenRouterVideoApi } from './host/publicApi';
import { readImageAsDataUrl } from './host/readImage';
import { onDidChangeSettings, readSettings } from './host/settings';
import { SpendInView } from './host/spendInView';
import { JobsStatusBar } from './host/statusBar';
import { warnAboutSetAsideJobs } from './host/storeWarning';
import { JobsTreeProvider } from './host/views/jobsTree';
import { PromptFileAnalyzer } from './host/promptFiles/promptFileAnalysis';
import { registerPromptFiles } from './host/promptFiles/registerPromptFiles';
import { planPromptFile } from './host/promptFiles/runPromptFile';
import { ModelsTreeProvider } from './host/views/modelsTree';
import { Commands, ContextKeys } from './ids';

export type { OpenRouterVideoApi } from './host/publicApi';

export interface Composed {
  disposable: vscode.Disposable;
  shutdown(): Promise<void>;
  api: OpenRouterVideoApi;
}

/**
 * Poll timing: the JobPoller's defaults (first poll 5 s after submit, then from 5 s up to the setting).
 * OPENROUTER_VIDEO_POLL_SCALE (a factor in (0, 1), set by the integration test runner) shortens every
 * delay and the not-found limit, and only while the API base URL is loopback (a local fake), never against a real endpoint.
 */
function pollTiming(): JobPollerSettings {
  const { apiBaseUrl, pollIntervalSeconds } = readSettings();
  // Not a URL: not loopback (the client refuses it anyway).
  const loopback = URL.canParse(apiBaseUrl) && isLoopbackHost(new URL(apiBaseUrl).hostname);
  const requested = Number(process.env.OPENROUTER_VIDEO_POLL_SCALE);
  const scale = loopback && requested > 0 && requested < 1 ? requested : 1;
  return {
    firstDelayMs: 5_000 * scale,
    intervalMs: 5_000 * scale,
    maxIntervalMs: pollIntervalSeconds * 1000 * scale,
    notFoundLimitMs: DEFAULT_POLLER_SETTINGS.notFoundLimitMs * scale,
  };
}

/** The one place that constructs and wires everything. Returns one Disposable that releases it all. */
export async function compose(extension: vscode.ExtensionContext): Promise<Composed> {
  const owned: vscode.Disposable[] = [];
  const own = <T extends vscode.Disposable>(d: T): T => {
    owned.push(d);
    return d;
  };
  const version = String((extension.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  const logger = own(new HostLogger('OpenRouter Video'));

  const storageDir = (extension.storageUri ?? extension.globalStorageUri).fsPath;
  // The read runs while what does not need the store is built (activate() waits for it).
  const storeFile = path.join(storageDir, 'jobs.json');
  const storeLoading = JobStore.load(new FileStorage(storeFile), logger, undefined, {
    keepFinishedJobs: readSettings().keepFinishedJobs,
    // Another window may share the storage folder: its changes are merged as soon as the file changes.
    followOtherWriters: true,
  });
  storeLoading.catch(() => undefined); // awaited below; this only keeps a throw before then from leaving it unhandled
  const credentials = own(new Credentials(extension.secrets));
  // The account-wide Retry-After gate: the client records every wait in it, and the poller arms no timer before it opens.
  const gate = new RateLimitGate(systemClock);
  const api = own(new ApiProvider(credentials, logger, `openrouter-video-vscode/${version} vscode/${vscode.version}`, gate, systemClock));
  const catalog = own(new ModelCatalog(api, logger));
  own(new ModelsTreeProvider(catalog));

  const store = await storeLoading;
  // An unusable jobs file was set aside: say so (not awaited: the warning waits for the user).
  void warnAboutSetAsideJobs(store.loadReport, storeFile, logger).catch((error: unknown) => logger.error('Showing the jobs file warning failed', error));
  let storeClosed: Promise<void> = Promise.resolve();
  own({ dispose: () => (storeClosed = store.dispose()) });

  // Spend across workspaces and windows: the ledger lives in global storage, whatever the workspace.
  const ledger = new SpendLedger(extension.globalStorageUri.fsPath, logger);
  const budget = new SpendBudget({
    ledger,
    clock: systemClock,
    limits: () => {
      const { budgetDailyUsd, budgetMonthlyUsd } = readSettings();
      return { dailyUsd: budgetDailyUsd, monthlyUsd: budgetMonthlyUsd };
    },
    localEntries: () => store.all().map(spendEntryOf),
    logger,
  });
  const spendRecorder = own(new SpendRecorder({ ledger, store, clock: systemClock, logger }));
  void spendRecorder.start().catch((error: unknown) => logger.error('Reading the spend ledger failed', error));

  const poller = own(new JobPoller({ api, store, gate, clock: systemClock, logger, ...pollTiming() }));
  const jobs = own(
    new JobService({
      api,
      store,
      poller,
      // The size cap is read for each video, so a raised setting applies to the next Download Again.
      download: (client, request) => downloadOutput(client, { ...request, maxBytes: readSettings().maxVideoSizeMiB * 1024 * 1024 }),
      readImage: (file) => readImageAsDataUrl(file),
      findModel: (id) => catalog.find(id),
      clock: systemClock,
      logger,
      writeSidecar: () => readSettings().writeSidecar,
      workspaceFolderFor: (file) => vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath,
      extensionVersion: version,
      budget,
    }),
  );

  const jobsTree = own(new JobsTreeProvider(store));
  const ctx: HostContext = {
    extension,
    version,
    logger,
    credentials,
    api,
    catalog,
    store,
    jobs,
    budget,
    revealJob: (clientId) => jobsTree.reveal(clientId),
  };
  const statusBar = own(new JobsStatusBar(store));
  const spending = own(new SpendInView({ budget, recorder: spendRecorder, store, api, logger, statusBar, jobsView: jobsTree }));
  const notifications = own(new JobNotifications(ctx));
  const promptFiles = own(new PromptFileAnalyzer(catalog));
  const gallery = own(new GalleryViewProvider(ctx, storageDir));
  own(
    registerCommands({
      ctx,
      notifications,
      promptFiles,
      refreshJobs: () => jobsTree.refresh(),
      refreshGallery: () => gallery.refresh(),
      showSpending: () => spending.showSpending(),
    }),
  );
  own(registerPromptFiles(ctx, promptFiles));
  own(PlayerProvider.register(ctx, notifications, promptFiles));
  own(
    registerAgentTools({
      catalog,
      jobs,
      store,
      credentials,
      notifications,
      workspaceFolder: () => vscode.workspace.workspaceFolders?.[0],
      budget,
      planPromptFile: (options) => planPromptFile(ctx, promptFiles, options),
    }),
  );

  const updateSignedIn = async () => {
    const key = await credentials.getKey();
    logger.setSecrets([key]);
    await vscode.commands.executeCommand('setContext', ContextKeys.signedIn, key !== undefined);
  };
  own(
    credentials.onDidChange(() => {
      void updateSignedIn();
      poller.resume();
    }),
  );
  own(
    poller.onAuthRequired(() => {
      void (async () => {
        const setKey = vscode.l10n.t('Set API Key');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('OpenRouter no longer accepts the API key, so running jobs are paused (they are kept). Set a valid key to resume watching them.'),
          setKey,
        );
        if (choice === setKey) await vscode.commands.executeCommand(Commands.setApiKey);
      })();
    }),
  );
  own(
    onDidChangeSettings((keys) => {
      if (keys.includes('apiBaseUrl')) catalog.invalidate();
      if (keys.includes('pollIntervalSeconds') || keys.includes('apiBaseUrl')) poller.configure(pollTiming());
    }),
  );
  // Reading the key is a round trip to the workbench: activate() does not wait for it. Resuming does, so the
  // logger knows the key to scrub before any job logs a line.
  const signedIn = updateSignedIn().catch((error: unknown) => logger.error('Reading the API key failed', error));

  // Resume only what a previous window left in flight (no network wait here); never resubmits anything.
  void signedIn.then(() => jobs.resumeAll()).catch((error: unknown) => logger.error('Resuming jobs failed', error));
  logger.info(`OpenRouter Video ${version} activated (${store.all().length} job(s) on record)`);

  const publicApi = own(new PublicApi({ jobs, store, catalog, budget }));

  const disposeAll = () => {
    for (const d of owned.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (error) {
        logger.error('Dispose failed', error);
      }
    }
  };
  return {
    disposable: new vscode.Disposable(disposeAll),
    /** Disposes everything and resolves once the job store's last write has landed. */
    shutdown: async () => {
      disposeAll();
      await storeClosed;
    },
    api: publicApi.api,
  };
}
