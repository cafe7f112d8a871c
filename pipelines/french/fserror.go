package french

import (
	"errors"
	"io/fs"
	"syscall"
)

// FileError says in French why a file or folder could not be read, created
// or written, for the causes a user can act on; other errors keep their own
// text.
func FileError(err error) string {
	switch {
	case errors.Is(err, syscall.ENOTDIR):
		return "un fichier porte ce nom (ou celui d'un dossier au-dessus), là où il faut un dossier"
	case errors.Is(err, syscall.EISDIR):
		return "c'est un dossier, là où il faut un fichier"
	case errors.Is(err, fs.ErrNotExist):
		return "introuvable"
	case errors.Is(err, fs.ErrPermission):
		return "permission refusée"
	case errors.Is(err, syscall.EROFS):
		return "le système de fichiers est en lecture seule"
	case errors.Is(err, syscall.ENOSPC):
		return "le disque est plein"
	case errors.Is(err, fs.ErrExist):
		return "existe déjà"
	}
	return err.Error()
}
