package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/arml-na/vigie/pipelines/accounts"
	"github.com/arml-na/vigie/pipelines/warehouse"
	"github.com/arml-na/vigie/schedules"
	sqlfiles "github.com/arml-na/vigie/sql"
)

func init() { register(newUsersCmd) }

// openAccounts opens the console's accounts store beside the warehouse,
// which must exist: accounts of no warehouse are not created.
func (a *app) openAccounts(ctx context.Context) (*accounts.Store, error) {
	if err := requireFile(a.warehousePath); err != nil {
		return nil, err
	}
	return accounts.Open(ctx, accountsPath(a.warehousePath), sqlfiles.FS())
}

// withAccounts opens the accounts store, runs fn on it and closes it; the
// store's refusals become the command line's statuses (accountError).
func (a *app) withAccounts(ctx context.Context, fn func(s *accounts.Store) error) error {
	s, err := a.openAccounts(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return accountError(fn(s))
}

func accountsPath(warehousePath string) string {
	return warehouse.ConsoleDir(warehousePath) + "/" + accounts.FileName
}

// cliActor names who changes an account from the command line, for the
// audit log: the system user, or "cli".
func cliActor(getenv func(string) string) string {
	if u := getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

func newUsersCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Gère les comptes de la console (add, list, email, disable, enable, passwd, token, revoke)",
		Long: `Gère les comptes de la console (vigie serve). Ils sont rangés à côté de
l'entrepôt, dans ENTREPOT.console/console.db, et un changement s'applique tout
de suite, même pendant que la console et le démon tournent : un compte
désactivé est mis dehors à sa requête suivante.

Profils : standard et avance voient une structure (--structure obligatoire) ;
expert, valideur et analyste voient la région ; admin gère les comptes et lit
le journal d'audit, et ne voit aucune donnée de jeune.

Les mots de passe sont lus sur l'entrée standard (une ligne ; demandés deux
fois sur un terminal) : 12 caractères au moins, changés tous les 90 jours.

L'adresse électronique d'un compte (add --email, ou « vigie users email ») est
celle où partent ses abonnements aux analyses ; sans adresse, ils ne sont
déposés que dans le dossier de sortie.`,
		Args: noArgs,
	}
	cmd.AddCommand(newUsersAddCmd(a), newUsersListCmd(a), newUsersEmailCmd(a), newUsersStateCmd(a, "disable", true),
		newUsersStateCmd(a, "enable", false), newUsersPasswdCmd(a), newUsersTokenCmd(a), newUsersRevokeCmd(a))
	return cmd
}

// readNewPassword reads a password: asked twice without echo on a terminal,
// one line otherwise.
func (a *app) readNewPassword() (string, error) {
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.stderr, "Mot de passe (12 caractères au moins) : ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("lecture du mot de passe : %w", err)
		}
		fmt.Fprint(a.stderr, "Le même, encore une fois : ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("lecture du mot de passe : %w", err)
		}
		if string(p1) != string(p2) {
			return "", errors.New("les deux mots de passe diffèrent : rien n'a été changé")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("lecture du mot de passe : %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usagef("donnez-le sur l'entrée standard, par exemple : printf '%s\\n' \"$MOT_DE_PASSE\" | vigie users …", "aucun mot de passe sur l'entrée standard")
	}
	return line, nil
}

// knownStructures returns the structure codes of the warehouse, read from
// the warehouse itself or, while a batch holds it, from the console's newest
// snapshot.
func (a *app) knownStructures(ctx context.Context) (func(string) bool, error) {
	read := func(open func() (*warehouse.Warehouse, error)) ([]string, error) {
		w, err := open()
		if err != nil {
			return nil, err
		}
		defer w.Close()
		return schedules.KnownStructures(ctx, w)
	}
	codes, err := read(func() (*warehouse.Warehouse, error) { return a.openWarehouseReadOnly(ctx) })
	if err != nil {
		snap, serr := warehouse.LatestSnapshot(warehouse.SnapshotsDir(a.warehousePath))
		if serr != nil || snap == "" {
			return nil, fmt.Errorf("lecture des structures de l'entrepôt : %w", err)
		}
		codes, err = read(func() (*warehouse.Warehouse, error) { return warehouse.OpenReadOnly(ctx, snap, sqlfiles.FS()) })
		if err != nil {
			return nil, fmt.Errorf("lecture des structures de l'entrepôt : %w", err)
		}
	}
	return func(c string) bool { return slices.Contains(codes, c) }, nil
}

// accountError turns the store's refusals into the command line's statuses:
// a bad input is a usage error (2), the rest a failure (1).
func accountError(err error) error {
	var inv *accounts.InvalidError
	if errors.As(err, &inv) {
		return usagef("voir « vigie users --help »", "%s", inv.Message)
	}
	return err
}

func newUsersAddCmd(a *app) *cobra.Command {
	var n accounts.NewAccount
	cmd := &cobra.Command{
		Use:   "add LOGIN --profil P [--structure CODE] [--nom \"Prénom Nom\"] [--email E]",
		Short: "Crée un compte ; le mot de passe est lu sur l'entrée standard",
		Example: `  printf '%s\n' "$MDP" | vigie users add dir-ml16001 --profil standard --structure ML-16001 --nom "Claire Martin"
  vigie users add analyste1 --profil analyste      # demande le mot de passe deux fois sur un terminal`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if n.Profil == "" {
				return usagef("choisissez parmi "+strings.Join(accounts.Profiles, ", ")+", par exemple --profil analyste", "--profil est obligatoire : le profil du compte")
			}
			n.Login = args[0]
			probe := n
			probe.Password = strings.Repeat("x", accounts.MinPasswordLength)
			if err := probe.Validate(func(string) bool { return true }); err != nil {
				return accountError(err)
			}
			if err := requireFile(a.warehousePath); err != nil {
				return err // before asking for a password
			}
			known := func(string) bool { return true }
			if n.CodeStructure != "" {
				k, err := a.knownStructures(ctx)
				if err != nil {
					return err
				}
				known = k
			}
			pw, err := a.readNewPassword()
			if err != nil {
				return err
			}
			n.Password = pw
			s, err := a.openAccounts(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Add(ctx, n, known, cliActor(a.getenv), "cli"); err != nil {
				return accountError(err)
			}
			fmt.Fprintf(a.stderr, "Compte %s créé (profil %s).\n", n.Login, n.Profil)
			return nil
		},
	}
	cmd.Flags().StringVar(&n.Profil, "profil", "", "profil : "+strings.Join(accounts.Profiles, ", "))
	cmd.Flags().StringVar(&n.CodeStructure, "structure", "", "la structure du compte (standard et avance seulement)")
	cmd.Flags().StringVar(&n.Nom, "nom", "", "le nom de la personne")
	cmd.Flags().StringVar(&n.Email, "email", "", "l'adresse électronique de la personne, où partent ses abonnements (voir aussi « vigie users email »)")
	return cmd
}

func newUsersListCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Liste les comptes",
		Long: `Liste les comptes : login,profil,code_structure,etat,derniere_connexion,
mot_de_passe_change_le (etat : actif ou desactive ; dates à l'heure de Paris).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(a.format); err != nil {
				return err
			}
			s, err := a.openAccounts(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			list, err := s.List(cmd.Context())
			if err != nil {
				return err
			}
			t := &table{columns: []string{"login", "profil", "code_structure", "etat", "derniere_connexion", "mot_de_passe_change_le"},
				types: []string{"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"}}
			for _, acc := range list {
				var last any
				if !acc.LastLogin.IsZero() {
					last = acc.LastLogin.In(warehouse.Paris).Format("2006-01-02 15:04:05")
				}
				var structure any
				if acc.CodeStructure != "" {
					structure = acc.CodeStructure
				}
				t.rows = append(t.rows, []any{acc.Login, acc.Profil, structure, acc.Etat(), last,
					acc.PasswordChangedAt.In(warehouse.Paris).Format("2006-01-02 15:04:05")})
			}
			return t.write(a.stdout, a.format)
		},
	}
	addFormatFlag(cmd, a)
	return cmd
}

func newUsersEmailCmd(a *app) *cobra.Command {
	var none bool
	cmd := &cobra.Command{
		Use:   "email LOGIN (ADRESSE | --aucune)",
		Short: "Donne à un compte son adresse électronique, la change, ou la retire (--aucune)",
		Long: `Donne à un compte son adresse électronique, ou la change : c'est là que partent
ses abonnements aux analyses. Une adresse seule, sans nom ni chevrons
(claire.martin@ml16.fr). --aucune retire l'adresse : les abonnements ne sont
plus que déposés dans le dossier de sortie.

Le changement est écrit au journal d'audit (compte_modifie, avec la nouvelle
adresse) ; redonner l'adresse que le compte a déjà ne change rien.`,
		Example: `  vigie users email dir-ml16001 claire.martin@ml16.fr
  vigie users email dir-ml16001 --aucune`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 || len(args) == 2 {
				return nil
			}
			return usagef("usage : vigie users email LOGIN ADRESSE, ou vigie users email LOGIN --aucune ; "+helpHint(cmd),
				"« vigie users email » attend un identifiant et une adresse, reçu %s", frCount(len(args), "argument", "arguments"))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			login, email := args[0], ""
			switch {
			case len(args) == 2 && none:
				return usagef(helpHint(cmd), "donnez une adresse ou --aucune, pas les deux")
			case len(args) == 1 && !none:
				return usagef("par exemple : vigie users email "+login+" claire.martin@ml16.fr ; pour la retirer : vigie users email "+login+" --aucune",
					"l'adresse manque")
			case len(args) == 2 && args[1] == "":
				return usagef("pour retirer l'adresse : vigie users email "+login+" --aucune", "adresse vide")
			case len(args) == 2:
				email = args[1]
				if err := accounts.CheckEmail(email); err != nil {
					return accountError(err) // before opening anything
				}
			}
			return a.withAccounts(cmd.Context(), func(s *accounts.Store) error {
				changed, err := s.SetEmail(cmd.Context(), login, email, cliActor(a.getenv), "cli")
				switch {
				case err != nil:
					return err
				case !changed && email == "":
					fmt.Fprintf(a.stderr, "Le compte %s n'a pas d'adresse électronique : rien n'a changé.\n", login)
				case !changed:
					fmt.Fprintf(a.stderr, "Le compte %s a déjà l'adresse %s : rien n'a changé.\n", login, email)
				case email == "":
					fmt.Fprintf(a.stderr, "Adresse électronique de %s retirée : ses abonnements ne vont plus qu'au dossier de sortie.\n", login)
				default:
					fmt.Fprintf(a.stderr, "Adresse électronique de %s changée : %s.\n", login, email)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&none, "aucune", false, "retire l'adresse du compte")
	return cmd
}

func newUsersStateCmd(a *app, verb string, disable bool) *cobra.Command {
	short := "Réactive un compte désactivé"
	done := "Compte %s réactivé.\n"
	if disable {
		short = "Désactive un compte : il ne peut plus se connecter, ses sessions et jetons sont clos aussitôt"
		done = "Compte %s désactivé : ses sessions et jetons sont clos.\n"
	}
	return &cobra.Command{
		Use:   verb + " LOGIN",
		Short: short,
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withAccounts(cmd.Context(), func(s *accounts.Store) error {
				if err := s.SetDisabled(cmd.Context(), args[0], disable, cliActor(a.getenv), "cli"); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, done, args[0])
				return nil
			})
		},
	}
}

func newUsersPasswdCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "passwd LOGIN",
		Short: "Change le mot de passe (lu sur l'entrée standard)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withAccounts(cmd.Context(), func(s *accounts.Store) error {
				if _, err := s.Get(cmd.Context(), args[0]); err != nil {
					return err
				}
				pw, err := a.readNewPassword()
				if err != nil {
					return err
				}
				if err := s.SetPassword(cmd.Context(), args[0], pw, cliActor(a.getenv), "cli"); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "Mot de passe de %s changé.\n", args[0])
				return nil
			})
		},
	}
}

func newUsersTokenCmd(a *app) *cobra.Command {
	var expire string
	cmd := &cobra.Command{
		Use:   "token LOGIN [--expire 90d]",
		Short: "Affiche un nouveau jeton d'accès personnel pour les scripts (montré une seule fois)",
		Long: `Affiche un nouveau jeton d'accès personnel pour les scripts, à envoyer à l'API
de la console dans l'en-tête "Authorization: Bearer JETON". Il n'est montré
qu'une fois et n'est gardé que haché ; il prend fin à son expiration, quand le
compte est désactivé, ou avec « vigie users revoke LOGIN ».`,
		Example: `  vigie users token analyste1 --expire 30d`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := parseExpire(expire)
			if err != nil {
				return err
			}
			return a.withAccounts(cmd.Context(), func(s *accounts.Store) error {
				tok, err := s.NewAccessToken(cmd.Context(), args[0], d, cliActor(a.getenv), "cli")
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, tok)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&expire, "expire", "90d", "durée de vie du jeton : en jours (90d) ou en durée Go (12h) ; 0 pour aucune limite")
	return cmd
}

// parseExpire reads --expire: Nd for days, or a Go duration; 0 means none.
func parseExpire(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err == nil && n > 0 && fmt.Sprint(n) == days {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, usagef("par exemple --expire 90d ou --expire 12h", "--expire %q n'est pas une durée", s)
	}
	return d, nil
}

func newUsersRevokeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke LOGIN",
		Short: "Révoque tous les jetons d'accès d'un compte",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withAccounts(cmd.Context(), func(s *accounts.Store) error {
				if err := s.RevokeTokens(cmd.Context(), args[0], cliActor(a.getenv), "cli"); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "Jetons de %s révoqués.\n", args[0])
				return nil
			})
		},
	}
}
