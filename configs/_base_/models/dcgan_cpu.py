# DCGAN sized for a 2-core CPU: 64x64, a quarter of mmagic's stock widths
# (generator base_channels 256 instead of 1024, discriminator 32 instead of
# 128). Same loss and optimiser as configs/_base_/models/dcgan.py.
_base_ = ['./dcgan.py']

model = dict(
    # the CPU progressive GANs' EMA (progressive_cpu.py)
    ema_config=dict(interval=1, momentum=0.01),
    generator=dict(output_scale=64, base_channels=256),
    discriminator=dict(input_scale=64, base_channels=32))
