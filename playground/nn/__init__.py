"""The network: model (build, loss, optimizer, outputs, save / load), the training
loop (Trainer) and its callbacks. Imports nothing from the packages above it."""
