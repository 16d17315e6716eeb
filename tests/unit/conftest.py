"""Engine unit tests run with one torch thread, as the app runs its training jobs."""
import torch

torch.set_num_threads(1)
