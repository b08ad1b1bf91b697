"""Error sequences recorded from runs, shared by the tests that measure and print them."""

#: Errors e_60 .. e_123 of CG (Polak-Ribiere+, Wolfe line search) on the chained Rosenbrock
#: function, n = 5, from the report's default start (1.37, -2.3, -4.59, -4.83, 3.13), to 4
#: digits; the rounding floor there is 1e3 eps |x*| = 4.97e-13. Restarted every 5 steps, the
#: run falls in stairs; at k = 85 one step divides the error by 1.4e4 and lands at 2.2e-10,
#: 435x the floor, where it crawls with ratios 0.19-1 for 33 steps.
CG_ROSENBROCK5 = [
    0.1691, 0.05731, 0.05724, 0.0572, 0.05714, 0.0571, 0.0471, 0.04707, 0.04705, 0.04702,
    0.04678, 0.00504, 0.005035, 0.005031, 0.005026, 0.005021, 0.003998, 0.003996, 0.003994,
    0.003902, 0.002078, 3.003e-06, 2.959e-06, 2.944e-06, 2.939e-06, 2.937e-06, 2.163e-10,
    9.672e-11, 4.503e-11, 3.115e-11, 2.66e-11, 1.336e-11, 1.336e-11, 1.335e-11, 1.332e-11,
    1.203e-11, 1.057e-11, 1.056e-11, 1.055e-11, 1.054e-11, 1.05e-11, 1.961e-12, 1.959e-12,
    1.958e-12, 1.953e-12, 1.944e-12, 1.068e-12, 1.067e-12, 1.067e-12, 1.065e-12, 1.063e-12,
    1.058e-12, 5.547e-13, 5.543e-13, 5.54e-13, 5.536e-13, 5.529e-13, 5.521e-13, 5.446e-13,
    4.843e-13, 4.841e-13, 4.838e-13, 4.836e-13, 4.83e-13]
CG_ROSENBROCK5_FLOOR = 4.97e-13

#: Errors e_0 .. e_69 of BFGS (Wolfe line search) on the same function from the same start,
#: to x* = P1 = (-0.96205, 0.93574, 0.88071, 0.77788, 0.60509), the minimum it ended at
#: (|x*| = 1.884, floor 1e3 eps |x*| = 4.18e-13); its last step, a failed line search, barely
#: moves (ratio 0.9996).
BFGS_ROSENBROCK5 = [
    9.147, 8.263, 6.783, 5.944, 5.293, 4.871, 4.593, 4.421, 4.304, 4.19, 4.09, 4.068, 4.111,
    4.149, 4.153, 4.143, 4.087, 3.948, 3.755, 3.564, 3.441, 3.382, 3.309, 3.118, 2.526, 2.002,
    1.826, 1.591, 1.444, 1.47, 1.425, 1.441, 1.446, 1.429, 1.379, 1.307, 1.15, 0.9887, 0.9352,
    0.9604, 0.9549, 0.9536, 0.9504, 0.949, 0.9472, 0.9436, 0.9338, 0.9105, 0.8569, 0.77, 0.6773,
    0.5433, 0.4812, 0.3967, 0.2686, 0.2404, 0.1678, 0.1245, 0.06899, 0.03623, 0.01813, 0.003163,
    0.000183, 0.0001859, 3.634e-05, 1.367e-06, 1.546e-07, 5.67e-09, 4.87e-10, 4.868e-10]
BFGS_ROSENBROCK5_FLOOR = 4.18e-13
