"""Draw a digit and let a network read it: canvas preprocessing (MNIST's and sklearn
digits' recipes), the digit model (this session's run, a saved file, or a default one
trained in seconds) and teaching it a handwriting by fine-tuning."""
