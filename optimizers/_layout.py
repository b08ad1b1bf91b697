"""Integer codes and array layouts shared by the compiled engines and the Python driver.

The compiled entry points (:mod:`optimizers.engine`) take every hyperparameter in one float64
array ``hp`` whose slots are named here, and write their results into an int64 array and a
float64 array whose columns are named here.  Module-level ints are compile-time constants for
Numba, so changing a slot here changes the engines' source hash (see ``engine.SOURCE_HASH``).
"""

from __future__ import annotations

# ---------------------------------------------------------------- hyperparameter slots (hp)
LR = 0
MOMENTUM = 1
DAMPENING = 2
NESTEROV = 3
WEIGHT_DECAY = 4
ALPHA = 5
RHO = 6
BETA1 = 7
BETA2 = 8
EPS = 9
AMSGRAD = 10
CENTERED = 11
LR_DECAY = 12
INIT_ACC = 13
NOISE = 14
BATCH_SIZE = 15
SCHEDULE = 16
STEP_SIZE = 17
GAMMA = 18
POWER = 19
TAU = 20
FINAL_LR = 21
T_MAX = 22
ETA_MIN = 23
WARMUP = 24
AVERAGE = 25
AVERAGE_START = 26
EMA_DECAY = 27
LINE_SEARCH = 28
C1 = 29
C2 = 30
SHRINK = 31
DAMPING = 32
MODIFICATION = 33
VARIANT = 34
MEMORY = 35
ORDER = 36
UPDATE = 37
GTOL = 38
FTOL = 39
XTOL = 40
MAXITER = 41
STEPS_MODE = 42
BOUND = 43
CHUNK = 44
STRIDE = 45  # trajectories record iterates 0, STRIDE, 2·STRIDE, … (1 = every one)
# set by the driver from the method's spec: sizes of its named state (optimizers.spec.State),
# the weight decay added to the gradient (0 for decoupled decay), the stall test on/off
W_VECTORS = 46
W_MATRICES = 47
W_HISTORY = 48
W_HISTORY_SCALARS = 49
W_FLOATS = 50
W_INTS = 51
WD_COUPLED = 52
STALL_TEST = 53
WD_DECOUPLED = 54
#: a method's own hyperparameters: slots OWN … OWN + NOWN − 1, private to the method (one run
#: has one method, so methods share them)
OWN = 55
NOWN = 8
NHP = OWN + NOWN

# ---------------------------------------------------------------- method codes
# lock-step first-order engine
M_GD = 0
M_SGD = 1
M_MOMENTUM = 2
M_NESTEROV = 3
M_ADAGRAD = 4
M_RMSPROP = 5
M_ADADELTA = 6
M_ADAM = 7
M_ADAMW = 8
# per-start engine
P_GD = 0
P_NEWTON = 1
P_CG = 2
P_BFGS = 3
P_LBFGS = 4
P_COORDINATE = 5

# ---------------------------------------------------------------- choice codes
SCHED_CONSTANT = 0
SCHED_STEP = 1
SCHED_EXPONENTIAL = 2
SCHED_INVERSE_TIME = 3
SCHED_LINEAR = 4
SCHED_COSINE = 5

#: schedule name → (code, parameter names with their defaults; ``None`` = derived from lr)
SCHEDULES: dict[str, tuple[int, dict[str, float | int | None]]] = {
    "constant": (SCHED_CONSTANT, {}),
    "step": (SCHED_STEP, {"step_size": 100, "gamma": 0.1}),
    "exponential": (SCHED_EXPONENTIAL, {"gamma": 0.99}),
    "inverse_time": (SCHED_INVERSE_TIME, {"gamma": 1.0, "power": 1.0}),
    "linear": (SCHED_LINEAR, {"tau": 100, "final_lr": None}),
    "cosine": (SCHED_COSINE, {"T_max": 100, "eta_min": 0.0}),
}
SCHEDULE_ALIASES = {"polynomial": "inverse_time"}

AVG_NONE = 0
AVG_POLYAK = 1
AVG_EMA = 2

LS_NONE = 0
LS_ARMIJO = 1
LS_WOLFE = 2

MOD_NONE = 0
MOD_SHIFT = 1
MOD_SADDLE_FREE = 2

CG_FR = 0
CG_PRPLUS = 1
CG_HS = 2
CG_DY = 3
CG_LINEAR = 4

ORDER_CYCLIC = 0
ORDER_RANDOM = 1
ORDER_SHUFFLE = 2

UPDATE_NEWTON = 0
UPDATE_GRADIENT = 1

# ---------------------------------------------------------------- result columns
# int64 results (N, NI)
I_NIT = 0
I_NFEV = 1
I_NJEV = 2
I_NHEV = 3
I_STATUS = 4
I_DETAIL = 5
NI = 6

# float64 results (N, NR)
R_FUN = 0
R_FUN_AVG = 1
R_GNORM = 2  # ‖∇f‖∞ (of f + (λ/2)‖x‖² when weight_decay > 0) at the reported point
R_FCHANGE = 3  # last relative decrease |f_k − f_{k+1}| / max(|f_k|, |f_{k+1}|, 1)
R_XCHANGE = 4  # last step ‖x_{k+1} − x_k‖∞
R_NAVG = 5  # number of iterates in the average
NR = 6

# ---------------------------------------------------------------- status and detail codes
ST_RUNNING = 0
ST_CONVERGED = 1
ST_MAXITER = 2
ST_STEPS = 3
ST_DIVERGED = 4
ST_LS_FAILED = 5
ST_STALLED = 6

STATUS_NAMES = (
    "running",
    "converged",
    "maxiter",
    "steps",
    "diverged",
    "line_search_failed",
    "stalled",
)

D_NONE = 0
D_GTOL = 1
D_FTOL = 2
D_XTOL = 3
D_F_NAN = 10
D_F_INF = 11
D_G_NONFINITE = 12
D_X_NONFINITE = 13
D_X_BOUND = 14
D_START_NAN = 15
D_START_NONFINITE = 16
D_LS_NOT_DESCENT = 20
D_LS_FAILED = 21
D_NO_CHANGE = 30
D_SINGULAR = 31
D_NEG_CURVATURE = 32
