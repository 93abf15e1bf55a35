# ACGAN sized for a 2-core CPU: 64x64, the networks of
# configs/_base_/models/dcgan_cpu.py (a quarter of mmagic's stock widths)
# with the class embedding and the classifier head. Same losses and
# optimiser as configs/_base_/models/acgan.py.
_base_ = ['./acgan.py']

model = dict(
    # the CPU progressive GANs' EMA (progressive_cpu.py)
    ema_config=dict(interval=1, momentum=0.01),
    generator=dict(output_scale=64, base_channels=256),
    discriminator=dict(input_scale=64, base_channels=32))
