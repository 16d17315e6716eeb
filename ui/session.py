"""Every st.session_state key the app uses, declared once.

Modules write `st.session_state[Key.JOB]`, never the string. Each line says what the key
holds and who writes it. Widget keys are here too: a keyed widget keeps its value under
its key, and tests find widgets by key. A key that follows a name (a config field, a
layer number, a canvas generation) comes from one of the functions below the class.
"""
from __future__ import annotations


class Key:
    # --- the session: language, config, data (ui/) ------------------------------------------------
    LANG = "lang"                          # "ko" | "en"; ui.lang on first read, then the sidebar's switch
    CONFIG = "config"                      # the last valid RunConfig of the sidebar; ui.sidebar
    INITIALISED = "_initialised"           # True once the first run read the link; ui.sidebar.init_session
    URL_PROBLEMS = "url_problems"          # the link's bad values (ConfigErrors), shown once; ui.sidebar
    UPLOADED = "uploaded_dataset"          # the user's table as a Dataset (or the ConfigError that refused it)
    UPLOAD_ID = "_upload_id"               # (file_id, target, task) it was read with; ui.sidebar
    UPLOAD_FRAME = "_upload_frame"         # (file_id, DataFrame): the upload read once; ui.data
    UPLOAD_PREPARED = "_upload_prepared"   # (Dataset, data fields, Prepared): its split, once; ui.data
    UPLOAD_GRAPH = "_upload_graph"         # (Prepared, RunConfig, graph): its untrained network; ui.lab_preview
    UPLOAD_BASELINES = "_upload_baselines"  # (Prepared, None, scores): an upload's baselines; ui.data.kept_for_upload
    UPLOAD_PROBLEM = "upload_problem"      # (file name, message) of a rejected upload; ui.sidebar, read by Train
    UPLOAD_REJECTED_AT = "_upload_rejected_at"  # {file_id: the dataset chosen when it was refused}; ui.sidebar
    PENDING_DATASET = "_pending_dataset"   # an accepted upload to select on the next draw; ui.sidebar
    UNKNOWN_PAGE_NOTE = "unknown_page_note"  # the unknown path a link asked for, shown once on Train; ui.unknown_page
    DATASET_FAILURES = "_dataset_failures"  # TTLCache {dataset: DataError}: no retry for a while; ui.data

    # --- background jobs (ui.runs) ------------------------------------------------------------------
    JOB = "job"                            # this session's TrainingJob
    RUN_TOKEN = "_run_token"               # its token in ui.registry and in the URL (?run=): a reload finds it
    RUN_LOST = "_run_lost"                 # why the URL's run is not here: gone | elsewhere | restarted | other_server | unknown (shown once)
    JOB_GUARD = "job_guard"                # its JobGuard: stops it when the session is dropped
    JOB_SERIAL = "job_serial"              # how many runs this session started (memo keys per run)
    CV_JOB = "eval_cv_job"                 # this session's CrossValJob
    CV_GUARD = "eval_cv_guard"             # its JobGuard
    PACES = "_paces"                       # {page: seconds} its polling fragment was drawn with; ui.pacing
    LIVE_DRAWN = "_live_drawn"             # {page: what its live panel drew of the run}; ui.live_watch
    CONFIRM_END = "_confirm_end"           # this full run drew the end of a run its page followed; ui.pacing
    RERUN = "_rerun"                       # this session's reruns (full or a fragment's) so far; ui.pacing.tick
    RECORDS = "_records"                   # (rerun, {job: record}): each job read once per rerun; ui.runs.record
    RUN_CONTROLS = "_run_controls"         # (active, paused) the run buttons were drawn for; ui.widgets
    CHARTS_LATER = "_charts_later"         # {"run": n, "framed": [fragments]}: framed charts; ui.charts_later

    # --- sidebar widgets (ui.sidebar); the config's own fields: w_key(field) -----------------------
    W_LANG = "w_lang"                      # the language switch
    W_UPLOAD = "w_upload"                  # the CSV file uploader
    W_N_LAYERS = "w_n_layers"              # number of hidden layers; each layer's units: units_key(i)
    CONTROLS_DATASET = "_controls_dataset"  # the dataset the controls were set up for (defaults on a switch)
    W_ENDLESS = "w_endless"                # the ∞ toggle beside epochs (epochs 0: until paused or stopped)
    PAINT_KEPT = "_paint_kept"             # {painted dataset: points} kept while another dataset is chosen
    SHARE_POINTS_CSV = "share_points_csv"  # widget: the share popover's CSV of points too many for a link; ui.paint

    # --- run controls (ui.widgets.run_controls, on Train and Inside) --------------------------------
    RUN_START = "run_start"
    TRAIN_TAKEN = "_train_taken"           # the rerun whose Train click the page took before its buttons (widgets)
    RUN_PAUSE = "run_pause"
    RUN_RESUME = "run_resume"
    RUN_STEP = "run_step"
    RUN_STOP = "run_stop"
    RUN_RESET = "run_reset"

    # --- Train page ---------------------------------------------------------------------------------
    TRAIN_ERROR = "train_error"            # why Train could not start, shown once
    TRAIN_LOG_SCALE = "train_log_scale"    # widget: the loss curve on a log axis
    CURVES_FIG = "_curves_fig"             # (look, figure): the lab's curves, built once per look, data swapped
    LAB_SPEED = "lab_speed"                # widget: epochs per second at most (0: max); ui.lab
    LAB_SHOW_TEST = "lab_show_test"        # widget: test points on the boundary
    LAB_DISCRETIZE = "lab_discretize"      # widget: the boundary as classes / bands
    LAB_NODE = "_lab_node"                 # (run serial, layer index, node) clicked in the diagram
    LAB_NETWORK = "lab_network"            # the diagram, a live chart (ui.live_chart) that takes clicks
    # the live charts (ui.live_chart: a keyed element, so Streamlit keeps an entry for each)
    CURVES = "curves"
    CURVES_EMPTY = "curves_empty"          # the curves before a run (ui.lab_preview)
    BOUNDARY = "boundary"
    LIVE_VIEW = "live_view"
    LAB_NODE_FIG = "lab_node_fig"
    SEQ_UNROLLED = "seq_unrolled"
    SEQ_MEMORY = "seq_memory"
    SEQ_FORECAST = "seq_forecast"
    ONE_INPUT = "one_input"
    CV_FOLDS = "cv_folds"                  # the cross-validation's folds chart (Evaluate)
    LAB_FIGS = "_lab_figs"                 # {panel: (signature, figure or table)}: rebuilt only when their data changes
    LAB_WHAT_CHANGED = "lab_what_changed"  # widget: show the before / after view of the last change
    LAB_RESTART = "lab_restart"            # button: start over with settings that need a new network
    LAB_SEQ_EXAMPLE = "lab_seq_example"    # widget: which validation example the sequence lab shows; ui.sequence_lab

    # --- take the model home (ui.take_home) ---------------------------------------------------------
    TAKE_HOME_CACHE = "_take_home_cache"   # (job id, weights epoch, epochs run): {"model": bytes, kind: (text, lines)}
    TAKE_HOME_CODE = "take_home_code"      # widget: the code view's expander (its scripts are drawn only when open)
    W_DOWNLOAD_MODEL = "take_home_model"   # widget: the model download button
    W_DOWNLOAD_SCRIPT = "take_home_script"  # widget: the PyTorch script download button
    W_DOWNLOAD_KERAS = "take_home_keras"   # widget: the Keras script download button
    W_SAVED_MODEL = "eval_saved_model"     # widget: the .pt uploader on Evaluate
    SAVED_MODEL = "_eval_saved_model"      # ((file id, dataset, columns), SavedModel | ConfigError): read once

    # --- Evaluate page (views/evaluate.py, views/evaluate_cv.py) ------------------------------------
    EVAL_CACHE = "eval_cache"              # {"_job": run, name: value}: predictions and baseline per run
    EVAL_SPLIT = "eval_split"              # widget: test or validation set
    EVAL_THRESHOLD = "eval_threshold"      # widget: the binary decision threshold
    EVAL_CELL = "eval_cell"                # widget (translated select): the gallery's confusion cell
    EVAL_CLASSIC = "eval_classic"          # widget (translated select): the classic model whose views show
    EVAL_KMEANS_K = "eval_kmeans_k"        # widget: the k whose clusters k-means shows (ui/classic_unsupervised)
    EVAL_KMEANS = "eval_kmeans"            # widget: k-means' expander (fitted and drawn only when open)
    EVAL_OUTLIERS = "eval_outliers"        # widget: the isolation forest's expander (likewise)
    EVAL_TREE_RULES = "eval_tree_rules"    # widget: the tree's rules as text (likewise)
    CV_METHOD = "eval_cv_method"           # widget (translated radio): kfold | stratified | loo | time | shuffled
    EVAL_SEQ_GROUP = "eval_seq_group"      # widget: which test sentences Evaluate shows (views/evaluate_sequence)
    EVAL_SEQ_SENTENCE = "eval_seq_sentence"   # widget: the sentence read word by word there
    EVAL_SEQ_STATE = "eval_seq_state_open"    # widget: that sentence's hidden-state expander (drawn only when open)
    CV_K = "eval_cv_k"                     # widget: number of folds
    CV_FIG_METRIC = "eval_cv_fig_metric"   # widget (translated select): the metric of the folds figure
    CV_DRAWN = "_eval_cv_drawn"            # id of the CrossValJob whose end was redrawn

    # --- Inside page ---------------------------------------------------------------------------------
    INSIDE_PROBE = "inside_probe"          # (job, LiveProbe): this session's probe on that job
    INSIDE_CACHE = "inside_cache"          # ((job id, epoch, status), view) computed from a model copy
    INSIDE_FIGS = "inside_figs"            # {chart name: (signature, figure)}
    INSIDE_LAYER = "inside_layer"          # widget (translated select): the layer to look at
    INSIDE_PICK = "inside_pick"            # widget (translated select): the CNN sample

    # --- Sketch page ---------------------------------------------------------------------------------
    SKETCH_RUN = "_sketch_run"             # ((job id, epoch, status), DigitModel) of this session's run
    SKETCH_UPLOAD = "sketch_upload"        # DigitModel read from an uploaded .pt file
    SKETCH_UPLOAD_ID = "_sketch_upload_id"  # file_id of that upload
    SKETCH_DEFAULT = "sketch_default"      # this session's copy of the one-click default model
    SKETCH_TUNED = "sketch_tuned"          # {source id: fine-tuned DigitModel}
    SKETCH_TUNE_MSG = "sketch_tune_msg"    # the last fine-tuning's before / after message
    SKETCH_COLLECTION = "sketch_collection"  # teach.Collection of labelled sketches
    SKETCH_CANVAS_N = "sketch_canvas_n"    # canvas generation: Clear draws a new canvas, canvas_key(n)
    SKETCH_SOURCE = "sketch_source"        # widget: which model reads the drawing (run | upload | default)
    SKETCH_PENDING_SOURCE = "_sketch_pending_source"  # the model just made or read, chosen on the next draw
    SKETCH_FILE = "sketch_file"            # widget: the .pt uploader
    SKETCH_LABEL = "sketch_label"          # widget: the label of the sketch to add
    SKETCH_BRUSH = "sketch_brush"          # widget: brush width
    SKETCH_TRAIN_DEFAULT = "sketch_train_default"   # buttons ...
    SKETCH_CLEAR = "sketch_clear"
    SKETCH_ADD = "sketch_add"
    SKETCH_FINETUNE = "sketch_finetune"
    SKETCH_DOWNLOAD = "sketch_download"
    SKETCH_REMOVE_LAST = "sketch_remove_last"
    SKETCH_CLEAR_COLLECTION = "sketch_clear_collection"
    SKETCH_UNTUNE = "sketch_untune"

    # --- Compare page (views/compare.py) and the run list (ui.run_list) -----------------------------
    RUN_LIST_ID = "_run_list_id"           # this session's list in ui.run_list.STORE (None: no run kept yet)
    PENDING_START = "_pending_start"       # True: the lab starts a run of the sidebar's config on its next draw
    COMPARE_PICK = "compare_pick"          # widget: the ids of the runs compared
    COMPARE_LOG = "compare_log"            # widget: the loss on a log axis
    COMPARE_RENAME_RUN = "compare_rename_run"    # widget (translated select): the run to rename
    COMPARE_RENAME_TEXT = "compare_rename_text"  # widget: its new name
    COMPARE_RENAME = "compare_rename"      # button
    COMPARE_FIELD = "compare_field"        # widget (translated select): the one setting to change
    COMPARE_VALUE = "compare_value"        # widget: its new value (reset when the field changes)
    COMPARE_VALUE_FOR = "_compare_value_for"     # the field COMPARE_VALUE was drawn for
    COMPARE_ONE_CHANGE = "compare_one_change"    # button: train the current setup with that one change
    COMPARE_EXPORT = "compare_export"      # download button: the list as JSON
    COMPARE_IMPORT = "compare_import"      # widget: the JSON file uploader
    COMPARE_IMPORT_ID = "_compare_import_id"     # file_id of the upload already read
    COMPARE_NOTE = "_compare_note"         # (level, message) shown once: an import's result, a refused change

    # --- transfer learning (ui.transfer_controls, ui.transfer_queue) ---------------------------------
    TRANSFER_THREE = "transfer_three"      # button: train from scratch, frozen and fine-tuned, one after another
    TRANSFER_QUEUE = "_transfer_queue"     # {"next": [modes], "expect": mode, "runs": [record ids]} of that chain
    TRANSFER_NEXT = "_transfer_next"       # the transfer mode the sidebar's select takes on its next draw
    TRANSFER_GO = "_transfer_go"           # True: the chain was just started: open the lab
    TRANSFER_DONE = "_transfer_done"       # the chain's record ids once all three ran (the lab links to Compare)

    # --- Lessons (ui.lessons, views/lessons.py, views/glossary.py) -----------------------------------
    LESSON_OPEN = "lesson_open"            # id of the open lesson; a link's ?lesson= or the Lessons page
    LESSON_SINCE = "_lesson_since"         # runs.serial() when it opened: only runs started later count
    LESSONS_DONE = "lessons_done"          # {lesson id: run serial} of the lessons whose goal a run met
    LESSON_CHECKED = "_lesson_checked"     # (signature, [goals.Check]): the open lesson's goal on the last run seen
    LESSON_JUST_DONE = "_lesson_just_done"  # a lesson just completed, celebrated once by the panel
    LESSON_UNKNOWN = "_lesson_unknown"     # a link's unknown lesson id, shown once
    LESSON_PANEL = "lesson_panel"          # widget: the lab's lesson expander (open / closed)
    LESSON_ANSWER = "lesson_answer"        # widget: the toggle that reveals the answer
    LESSON_CLOSE = "lesson_close"          # button: close the lesson
    LESSON_RESTART = "lesson_restart"      # button: the lesson's setup again
    GLOSSARY_SEARCH = "glossary_search"    # widget: the glossary's search box
    LESSON_LINKS = "lessons_links"         # widget: the Lessons page's teacher links expander (drawn only when open)

    # --- the class (ui.classroom, ui.presence, ui.class_banners, views/classroom.py) ------------------
    TEACHER = "_teacher"                   # True once this session gave the teacher key (link, field or cookie)
    CLASS_JOINED = "_class_joined"         # the class code this session joined (link, typed code or cookie)
    CLASS_NUMBER = "_class_number"         # "Student N" until a nickname is chosen
    CLASS_NICK = "_class_nick"             # the nickname (kept in the browser's cookie, never on disk)
    CLASS_PAGE = "_class_page"             # the page this session shows (its presence row says it)
    CLASS_ROW = "_class_row"               # (wall time published, Presence dict): this session's last row
    CLASS_HANDLED = "_class_handled"       # {"lesson" | "setup": seq}: banners acted on or dismissed
    CLASS_BAD_LINK = "_class_bad_link"     # the page's link held a class code that joins nothing (said once)
    CLASS_COOKIES = "_class_cookies"       # {name: value} to write into the browser on the next draw
    CLASS_HIDDEN_DRAWN = "_class_hidden_drawn"  # the hidden controls the sidebar was last drawn without
    W_TEACHER_KEY = "class_teacher_key"    # widget: the key field on /classroom
    CLASS_HEALTH = "class_health"          # widget: the server's health expander (read and drawn only when open)
    W_CLASS_CODE = "class_code"            # widget: the class code field on the start page
    W_NICKNAME = "class_nickname"          # widget: the nickname field
    CLASS_LESSON = "class_lesson"          # widget (translated select): the lesson to open for everyone
    CLASS_HIDE = "class_hide"              # widget: the sidebar controls students do not see
    CLASS_LARGE = "class_large"            # widget: the join card large, for the projector
    CLASS_JOIN = "class_join"              # buttons: join with the code, save the nickname,
    CLASS_SAVE_NICK = "class_save_nick"    # ... the banners' use-the-setup and later (ui.class_banners)
    CLASS_USE_SETUP = "class_use_setup"
    CLASS_LATER_LESSON = "class_later_lesson"
    CLASS_LATER_SETUP = "class_later_setup"
    CLASS_PUSH_LESSON = "class_push_lesson"  # the teacher's buttons (ui.teacher_room)
    CLASS_SHARE_SETUP = "class_share_setup"
    CLASS_PAUSE_ALL = "class_pause_all"
    CLASS_RESUME_ALL = "class_resume_all"
    CLASS_STOP_ALL = "class_stop_all"
    CLASS_END = "class_end"


WIDGET_PREFIX = "w_"   # every sidebar widget's key starts with it


def w_key(field: str) -> str:
    """The sidebar widget of a config field (playground.config.FIELDS)."""
    return f"{WIDGET_PREFIX}{field}"


def units_key(i: int) -> str:
    """The units of hidden layer i (0-based)."""
    return f"{WIDGET_PREFIX}units_{i}"


def act_key(i: int) -> str:
    """The activation of hidden layer i (0-based), when each layer has its own; ui.net_controls."""
    return f"{WIDGET_PREFIX}act_{i}"


ACT_PER_LAYER = f"{WIDGET_PREFIX}act_per_layer"   # toggle: one activation per layer, or one for all


def choice_key(key: str) -> str:
    """(choice, language) of a translated select, kept while the widget is not drawn; ui.widgets."""
    return f"_{key}_choice"


def cm_normalize_key(view: str) -> str:
    """The 'normalize' toggle of a confusion matrix; view: live | final."""
    return f"eval_cm_norm_{view}"


# Charts a run redraws in place (ui.live_chart): Streamlit keeps an entry for each keyed element
EVAL_CHARTS = ("cm", "prob", "roc", "pr", "pa", "res")
INSIDE_CHARTS = ("heatmap", "hist", "cnn", "pictures", "weights", "repr", "network", "thumbs")


def eval_chart_key(chart: str, view: str) -> str:
    """A chart of Evaluate (one of EVAL_CHARTS); view: live | final."""
    return f"{chart}_{view}"


def inside_chart_key(chart: str) -> str:
    """A chart of Inside the network (one of INSIDE_CHARTS)."""
    return f"inside_{chart}"


def sketch_chart_key(chart: str) -> str:
    """A chart of Draw a digit: probs | input | act_<layer>."""
    return f"sketch_{chart}"


def paint_key(editor: str, what: str) -> str:
    """A key of a paint editor (ui.paint; `editor` tells two apart): mode | value (widgets),
    gen (chart generation), chart_<n> (widget), note (a message shown once), clear | reset |
    download (buttons)."""
    return f"{editor}_{what}"


def canvas_key(n: int) -> str:
    """The drawing canvas of generation n (Key.SKETCH_CANVAS_N)."""
    return f"sketch_canvas_{n}"
