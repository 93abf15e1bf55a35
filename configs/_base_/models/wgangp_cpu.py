# WGAN-GP sized for a 2-core CPU: 64x64, an eighth of mmagic's stock widths
# (64 channels at 4 and 8 px, 32 at 16, 16 at 32, 8 at 64 px; stock 512,
# 512, 256, 128, 64). Same loss, n_critic and optimiser as
# configs/_base_/models/wgangp.py.
_base_ = ['./wgangp.py']

wgangp_channels = {'4': 64, '8': 64, '16': 32, '32': 16, '64': 8}
model = dict(
    # the CPU progressive GANs' EMA (progressive_cpu.py)
    ema_config=dict(interval=1, momentum=0.01),
    generator=dict(out_scale=64, channels_per_scale=wgangp_channels),
    discriminator=dict(in_scale=64, channels_per_scale=wgangp_channels))
