"""Ready architectures, built from glassnet layers and returned uncompiled (as Keras's
applications are): compile them with the optimizer and loss you want.

- ``lenet5``: a LeNet-5 style CNN for 28x28 digit images.
- ``cifar10_cnn``: the CIFAR-10 network of the seed documents (three conv blocks with batch
  normalization and dropout, then a 512-unit dense layer).
- ``Autoencoder``, ``VAE``, ``GAN``: models with their own ``train_step`` where they need one
  (``dense_autoencoder``, ``conv_autoencoder``, ``denoising_autoencoder``, ``dense_vae``,
  ``dense_gan`` build small ones); ``reconstruction_error`` and ``anomaly_scores``.
- ``RBFNetwork``: Gaussian radial basis functions (centres from k-means) and a linear read-out.
- ``SelfOrganizingMap``: Kohonen's map, trained without labels (NumPy, not a Model).
- ``TransformerEncoder``, ``TransformerDecoder``: transformer blocks (keras_hub's), as layers.
- ``TreeClassifier``: a child-sum Tree-LSTM over trees (``parse_tree``, ``TreeVocabulary``,
  ``encode_trees``), with ``BagOfWordsClassifier`` as its baseline and the generated
  ``negation_sentiment`` task.
- ``ResNet``: a small pre-activation ResNet (``ResidualConvBlock`` stages); ``deep_mlp``: a
  deep dense network, plain or its residual twin (``ResidualBlock``).
"""

from glassnet.zoo.autoencoders import (
    Autoencoder,
    conv_autoencoder,
    denoising_autoencoder,
    dense_autoencoder,
)
from glassnet.zoo.cifar import cifar10_cnn
from glassnet.zoo.gan import GAN, dense_gan, mode_coverage
from glassnet.zoo.lenet import lenet5
from glassnet.zoo.rbf import RBFNetwork
from glassnet.zoo.reconstruction import anomaly_scores, reconstruction_error
from glassnet.zoo.resnet import ResNet, deep_mlp
from glassnet.zoo.som import SelfOrganizingMap
from glassnet.zoo.transformer import TransformerDecoder, TransformerEncoder
from glassnet.zoo.tree import (
    BagOfWordsClassifier,
    TreeClassifier,
    TreeVocabulary,
    encode_trees,
    parse_tree,
    tree_to_string,
)
from glassnet.zoo.tree_data import negation_sentiment
from glassnet.zoo.vae import VAE, Sampling, dense_vae, kl_divergence

__all__ = [
    "GAN",
    "VAE",
    "Autoencoder",
    "BagOfWordsClassifier",
    "RBFNetwork",
    "ResNet",
    "Sampling",
    "SelfOrganizingMap",
    "TransformerDecoder",
    "TransformerEncoder",
    "TreeClassifier",
    "TreeVocabulary",
    "anomaly_scores",
    "cifar10_cnn",
    "conv_autoencoder",
    "deep_mlp",
    "denoising_autoencoder",
    "dense_autoencoder",
    "dense_gan",
    "mode_coverage",
    "dense_vae",
    "encode_trees",
    "kl_divergence",
    "lenet5",
    "negation_sentiment",
    "parse_tree",
    "reconstruction_error",
    "tree_to_string",
]
