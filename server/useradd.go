package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"urcsync/server/core"
)

// userAdd creates a user from the command line, reading the password from
// the first line of stdin.
func userAdd(ctx context.Context, args []string, stdin io.Reader, stderr io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./data", "data directory")
	var u core.NewUser
	fs.StringVar(&u.Username, "username", "", "username")
	fs.StringVar(&u.Role, "role", "", "officer, supervisor or admin")
	fs.StringVar(&u.TeamID, "team", "", "team id, e.g. urc-1")
	if err := fs.Parse(args); err != nil {
		return err
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 1024)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading password: %w", err)
	}
	u.Password = strings.TrimRight(line, "\r\n")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cost, _ := strconv.Atoi(os.Getenv("URC_BCRYPT_COST"))
	db, err := openStore(ctx, *data, cost, log, nil, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	created, err := db.AddUser(ctx, u)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "created user %s (%s, team %s) id %s\n", created.Username, created.Role, created.TeamID, created.ID)
	return nil
}
