"""|l| of the learned latent code (z ⊙ l) in the checkpoints of runs a, b.

    python benchmarks/results/skrgan_cpu_tuning/latent_code.py \
        > benchmarks/results/skrgan_cpu_tuning/latent_code.txt
"""
import torch

for run in ('a_narrow', 'b_narrow_lr5e-4'):
    for it in (1000, 1500, 2000):
        path = f'work_dirs/tune/{run}/iter_{it}.pth'
        sd = torch.load(path, map_location='cpu', weights_only=False)
        code = sd['state_dict']['sketch_gan.generator.latent_code'].abs()
        print(f'{path}: |l| mean {code.mean():.3f} min {code.min():.3f} '
              f'max {code.max():.3f}')
