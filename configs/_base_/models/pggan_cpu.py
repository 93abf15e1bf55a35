# PGGAN sized for a 2-core CPU: the CPU progressive GAN of
# progressive_cpu.py (64x64, widths, schedule, learning rates and EMA of
# SkrGAN's CPU sketch module; it says why). Same loss and optimiser as
# configs/_base_/models/pggan.py.
_base_ = ['./pggan.py', './progressive_cpu.py']

model = {{_base_.progressive_cpu_model}}
optim_wrapper = {{_base_.progressive_cpu_optim}}
